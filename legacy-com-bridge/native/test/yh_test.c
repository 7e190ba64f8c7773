/* C test of the drop-in Yinhai library (libyh_yibao.so), standing in for a HIS written against
 * Chengdu's Yinhai 5.0 component: caller-allocated GBK out strings, int* appcode. Run by native.test.ts
 * with YIBAO_AGENT_URL / YIBAO_AGENT_TOKEN pointing at a running agent.
 *
 *   yh_test CERTNO [--card]     init, 05 sign-in, 03 by ID number (--card: 03 again through the agent's card
 *                               reader), 11 with fee lines, getuncertaintytrade, confirm, 12 of the confirmed
 *                               11 (a refund); a second 11 then cancel; 12 of an unconfirmed 11; 21 → 31 →
 *                               41 (the center's pre-settlement) → 52 → confirm; wrong jyyzm; unknown jybh
 *   yh_test --down              init against an agent that is not running
 *
 * Prints "ok ..." / "FAIL ..." lines and the GBK output XML converted by the test harness. Exit 1 on failure.
 */
#include "yh_yibao.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond, what, ...)             \
  do {                                     \
    if (cond) printf("ok %s\n", what);     \
    else {                                 \
      printf("FAIL %s: ", what);           \
      printf(__VA_ARGS__);                 \
      printf("\n");                        \
      failures++;                          \
    }                                      \
  } while (0)

/* PowerBuilder-style pre-sized strings */
static char pcbh[64], jylsh[64], jyyzm[64], appmsg[512];
static char jysc[65536];
static int appcode;

static void call(const char* jybh, const char* ctl, const char* in) {
  appcode = 12345;
  memset(jysc, ' ', sizeof jysc - 1); /* Space(n) */
  jysc[sizeof jysc - 1] = '\0';
  yh_interface_call(jybh, ctl, in, pcbh, jylsh, jyyzm, jysc, &appcode, appmsg);
  printf("-- %s appcode=%d pcbh=%s jylsh=%s jyyzm=%s\n", jybh, appcode, pcbh, jylsh, jyyzm);
  printf("   appmsg(GBK)=%s\n   jysc(GBK)=%.1500s\n", appmsg, jysc);
}

/* text of <tag>...</tag> in xml (first occurrence) */
static const char* tag(const char* xml, const char* name) {
  static char v[256];
  char open[64], close[64];
  snprintf(open, sizeof open, "<%s>", name);
  snprintf(close, sizeof close, "</%s>", name);
  const char* a = strstr(xml, open);
  const char* b = a ? strstr(a, close) : NULL;
  v[0] = '\0';
  if (a && b) {
    a += strlen(open);
    size_t n = (size_t)(b - a) < sizeof v - 1 ? (size_t)(b - a) : sizeof v - 1;
    memcpy(v, a, n);
    v[n] = '\0';
  }
  return v;
}

#define DECL "<?xml version=\"1.0\" encoding=\"GBK\" standalone=\"yes\"?>"

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: yh_test CERTNO | --down\n");
    return 1;
  }
  yh_interface_init(&appcode, appmsg);
  if (strcmp(argv[1], "--down") == 0) {
    printf("-- init appcode=%d appmsg(GBK)=%s\n", appcode, appmsg);
    CHECK(appcode < 0 && strstr(appmsg, "AGENT_UNAVAILABLE"), "init with the agent down fails with AGENT_UNAVAILABLE", "%d %s", appcode, appmsg);
    call("05", DECL "<control><aae011>0001</aae011></control>", DECL "<data><yab003>0003</yab003></data>");
    CHECK(appcode < 0, "a call after a failed init is refused", "%d", appcode);
    printf("%s (%d failed)\n", failures ? "FAILED" : "PASSED", failures);
    return failures ? 1 : 0;
  }
  printf("-- init appcode=%d\n", appcode);
  CHECK(appcode >= 0, "yh_interface_init", "%d %s", appcode, appmsg);

  call("05", DECL "<control><aae011>0001</aae011></control>", DECL "<data><yab003>0003</yab003></data>");
  CHECK(appcode == 1 && strncmp(tag(jysc, "yke189"), "0003S", 5) == 0 && strcmp(pcbh, tag(jysc, "yke189")) == 0, "05 sign-in gives the batch number",
        "%d %s", appcode, jysc);

  char in03[256];
  snprintf(in03, sizeof in03, DECL "<data><aac002>%s</aac002></data>", argv[1]);
  call("03", DECL "<control><edition>3</edition></control>", in03);
  char aac001[64];
  snprintf(aac001, sizeof aac001, "%s", tag(jysc, "aac001"));
  CHECK(appcode == 1 && *aac001 && strcmp(tag(jysc, "aac002"), argv[1]) == 0 && strstr(jysc, "<grzhye><row><ykc303>"), "03 identifies the person",
        "%d %s", appcode, jysc);
  if (argc > 2 && strcmp(argv[2], "--card") == 0) {
    /* no number: the agent reads the card (GET /v1/card, its HeaSecReadInfo-style reader) */
    call("03", DECL "<control><edition>3</edition></control>", DECL "<data></data>");
    CHECK(appcode == 1 && strcmp(tag(jysc, "aac001"), aac001) == 0 && strcmp(tag(jysc, "aac002"), argv[1]) == 0, "03 without a number reads the card through the agent",
          "%d %s %s", appcode, appmsg, jysc);
  }

  /* 11 门诊结算 with its fee lines; names in GBK: 门诊诊查费 / 阿莫西林胶囊 */
  char ctl11[512], in11[2048];
  snprintf(ctl11, sizeof ctl11,
           DECL "<control><akc190></akc190><aac001>%s</aac001><aka130>0201</aka130><yab003>0003</yab003><nums>2</nums><yka055>40.00</yka055>"
                "<yke550>1</yke550><edition>5.0</edition></control>",
           aac001);
  snprintf(in11, sizeof in11,
           DECL "<data><datasetfymx>"
                "<row><yka105>1</yka105><yka094>001103000010000</yka094><yka095>\xc3\xc5\xd5\xef\xd5\xef\xb2\xe9\xb7\xd1</yka095>"
                "<akc225>15.00</akc225><akc226>1</akc226><aka063>02</aka063></row>"
                "<row><yka105>2</yka105><yka094>XJ01CAA040A001010100001</yka094><yka095>\xb0\xa2\xc4\xaa\xce\xf7\xc1\xd6\xbd\xba\xc4\xd2</yka095>"
                "<akc225>12.50</akc225><akc226>2</akc226><aka063>09</aka063></row>"
                "</datasetfymx></data>");
  call("11", ctl11, in11);
  char jylsh1[64], jyyzm1[64], yka103[64], akc190a[64];
  snprintf(jylsh1, sizeof jylsh1, "%s", jylsh);
  snprintf(jyyzm1, sizeof jyyzm1, "%s", jyyzm);
  snprintf(yka103, sizeof yka103, "%s", tag(jysc, "yka103"));
  snprintf(akc190a, sizeof akc190a, "%s", tag(jysc, "akc190"));
  CHECK(appcode == 1 && strncmp(jylsh, "11C0003SJ", 9) == 0 && strlen(jyyzm) == 9 && *yka103 && strcmp(tag(jysc, "yka055"), "40.00") == 0,
        "11 settles through the agent (pending)", "%d %s", appcode, jysc);
  CHECK(strstr(jysc, "\xb0\xa2\xc4\xaa\xce\xf7\xc1\xd6\xbd\xba\xc4\xd2") != NULL, "11 answer is GBK XML with the names intact", "%s", jysc);

  char jg[65536];
  yh_interface_getuncertaintytrade("11", jg, &appcode, appmsg);
  printf("-- getuncertaintytrade appcode=%d %s\n", appcode, jg);
  CHECK(appcode == 1 && strstr(jg, jylsh1) && strstr(jg, yka103), "getuncertaintytrade lists the unconfirmed 11", "%d %s", appcode, jg);

  yh_interface_confirm(jylsh1, "000000000", &appcode, appmsg);
  CHECK(appcode < 0, "confirm with a wrong jyyzm is refused", "%d", appcode);
  yh_interface_confirm(jylsh1, jyyzm1, &appcode, appmsg);
  CHECK(appcode == 1, "confirm commits the settlement", "%d %s", appcode, appmsg);
  yh_interface_getuncertaintytrade("11", jg, &appcode, appmsg);
  CHECK(appcode == 1 && !strstr(jg, jylsh1), "a confirmed 11 is no longer uncertain", "%d %s", appcode, jg);

  /* 12 门诊取消结算 of the CONFIRMED 11: a refund through the agent (POST /v1/refund, 2208 journaled) */
  char ctl12a[512];
  snprintf(ctl12a, sizeof ctl12a, DECL "<control><akc190>%s</akc190><yka103>%s</yka103><aka130>0201</aka130></control>", akc190a, yka103);
  call("12", ctl12a, DECL "<data><yka055>40.00</yka055><yka107>0.00</yka107><yka065>40.00</yka065></data>");
  char jylsh12[64], jyyzm12[64];
  snprintf(jylsh12, sizeof jylsh12, "%s", jylsh);
  snprintf(jyyzm12, sizeof jyyzm12, "%s", jyyzm);
  CHECK(appcode == 1 && strcmp(tag(jysc, "yka103"), yka103) == 0 && strncmp(jylsh12, "12C", 3) == 0, "12 refunds the confirmed settlement", "%d %s", appcode, appmsg);
  printf("refunded yka103=%s\n", yka103);
  yh_interface_confirm(jylsh12, jyyzm12, &appcode, appmsg);
  CHECK(appcode == 1, "confirm of the 12 (final at the center already)", "%d %s", appcode, appmsg);
  call("12", ctl12a, DECL "<data/>");
  CHECK(appcode < 0, "a second 12 of the same settlement is refused", "%d %s", appcode, appmsg);

  /* a second bill, cancelled by the HIS (its own commit failed) */
  snprintf(ctl11, sizeof ctl11, DECL "<control><aac001>%s</aac001><aka130>0201</aka130><yab003>0003</yab003></control>", aac001);
  call("11", ctl11, in11);
  CHECK(appcode == 1 && *jylsh, "second 11", "%d %s", appcode, appmsg);
  char jylsh2[64];
  snprintf(jylsh2, sizeof jylsh2, "%s", jylsh);
  yh_interface_cancel(jylsh2, &appcode, appmsg);
  CHECK(appcode == 1, "cancel aborts the pending settlement at the center", "%d %s", appcode, appmsg);

  /* 12 门诊取消结算 of a settlement the HIS has not confirmed: undone at the center through the agent */
  call("11", ctl11, in11);
  char akc190c[64], yka103c[64], ctl12[512];
  snprintf(akc190c, sizeof akc190c, "%s", tag(jysc, "akc190"));
  snprintf(yka103c, sizeof yka103c, "%s", tag(jysc, "yka103"));
  CHECK(appcode == 1 && *akc190c && *yka103c, "third 11", "%d %s", appcode, appmsg);
  snprintf(ctl12, sizeof ctl12, DECL "<control><akc190>%s</akc190><yka103>%s</yka103><aka130>0201</aka130></control>", akc190c, yka103c);
  call("12", ctl12, DECL "<data><yka055>40.00</yka055><yka107>0.00</yka107><yka065>40.00</yka065></data>");
  CHECK(appcode == 1 && strcmp(tag(jysc, "yka103"), yka103c) == 0 && strncmp(jylsh, "12C", 3) == 0, "12 cancels the unconfirmed settlement", "%d %s", appcode,
        appmsg);
  yh_interface_getuncertaintytrade("11", jg, &appcode, appmsg);
  CHECK(appcode == 1 && !strstr(jg, yka103c), "a cancelled 11 is no longer uncertain", "%d %s", appcode, jg);

  /* a total that does not match the lines is refused before anything is sent */
  snprintf(ctl11, sizeof ctl11, DECL "<control><aac001>%s</aac001><yka055>39.99</yka055></control>", aac001);
  call("11", ctl11, in11);
  CHECK(appcode < 0 && *appmsg && !*jylsh, "11 with a wrong yka055 is refused", "%d %s", appcode, appmsg);

  /* inpatient: 21 入院登记 -> 31 住院明细上传 -> 41 -> 52 出院结算 -> confirm */
  char ctl21[256];
  snprintf(ctl21, sizeof ctl21, DECL "<control><edition>5.0</edition><aac001>%s</aac001></control>", aac001);
  call("21", ctl21,
       DECL "<data><ykc009>ZY20261122001</ykc009><ykc010>ZY20261122001</ykc010><akc192>2026-11-20 09:00:00</akc192><akc193>K35.800</akc193>"
            "<ykc011>\xcd\xe2\xbf\xc6</ykc011><ykc012>8</ykc012><ykc147>\xbc\xb1\xd0\xd4\xc0\xbb\xce\xb2\xd1\xd7</ykc147><aae011>0001</aae011></data>");
  char akc190i[64];
  snprintf(akc190i, sizeof akc190i, "%s", tag(jysc, "akc190"));
  CHECK(appcode == 1 && strlen(akc190i) == 17 && strcmp(tag(jysc, "aac001"), aac001) == 0 && strcmp(tag(jysc, "aka130"), "0309") == 0,
        "21 admits the person (identified again by the agent)", "%d %s", appcode, jysc);
  char ctl31[256];
  snprintf(ctl31, sizeof ctl31, DECL "<control><akc190>%s</akc190><nums>2</nums></control>", akc190i);
  call("31", ctl31,
       DECL "<data><datasetfymx>"
            "<row><yka105>Z1</yka105><yka094>001103000010000</yka094><yka095>\xc3\xc5\xd5\xef\xd5\xef\xb2\xe9\xb7\xd1</yka095><akc225>15.00</akc225><akc226>1</akc226><aka063>02</aka063></row>"
            "<row><yka105>Z2</yka105><yka094>XJ01CAA040A001010100001</yka094><yka095>\xb0\xa2\xc4\xaa\xce\xf7\xc1\xd6\xbd\xba\xc4\xd2</yka095><akc225>12.50</akc225><akc226>4</akc226><aka063>09</aka063></row>"
            "</datasetfymx></data>");
  CHECK(appcode == 1 && strcmp(tag(jysc, "nums"), "2") == 0, "31 records the inpatient fee lines", "%d %s", appcode, appmsg);
  call("31", ctl31, DECL "<data><datasetfymx><row><yka105>Z1</yka105><yka094>X</yka094><akc225>1.00</akc225><akc226>1</akc226></row></datasetfymx></data>");
  CHECK(appcode < 0, "31 refuses a repeated line number (yka105)", "%d", appcode);
  call("41", ctl31, DECL "<data/>");
  char pre107[64], pre065[64], pre012[64];
  snprintf(pre107, sizeof pre107, "%s", tag(jysc, "yka107"));
  snprintf(pre065, sizeof pre065, "%s", tag(jysc, "yka065"));
  snprintf(pre012, sizeof pre012, "%s", tag(jysc, "ykh012"));
  CHECK(appcode == 1 && strcmp(tag(jysc, "yka055"), "65.00") == 0 && *pre107 && !strstr(jysc, "<yka103>"),
        "41 pre-settles the stay at the center (2303 in a trial admission, nothing settled)", "%d %s %s", appcode, appmsg, jysc);
  char ctl52[512];
  snprintf(ctl52, sizeof ctl52,
           DECL "<control><akc190>%s</akc190><aac001>%s</aac001><aka130>0309</aka130><yab003>0003</yab003><aae011>0001</aae011><print>0</print></control>",
           akc190i, aac001);
  call("52", ctl52, DECL "<data><yka055>65.00</yka055><nums>2</nums><yka110></yka110><aae011>0001</aae011></data>");
  char jylsh52[64], jyyzm52[64];
  snprintf(jylsh52, sizeof jylsh52, "%s", jylsh);
  snprintf(jyyzm52, sizeof jyyzm52, "%s", jyyzm);
  CHECK(appcode == 1 && strncmp(jylsh, "52C", 3) == 0 && *tag(jysc, "yka103") && strcmp(tag(jysc, "yka055"), "65.00") == 0,
        "52 settles the stay through the agent (inpatient, pending)", "%d %s", appcode, appmsg);
  CHECK(strcmp(tag(jysc, "yka107"), pre107) == 0 && strcmp(tag(jysc, "yka065"), pre065) == 0 && strcmp(tag(jysc, "ykh012"), pre012) == 0,
        "52 settles to the amounts 41 pre-settled (fund / account / cash)", "41: %s %s %s, 52: %s", pre107, pre065, pre012, jysc);
  yh_interface_confirm(jylsh52, jyyzm52, &appcode, appmsg);
  CHECK(appcode == 1, "confirm commits the discharge settlement", "%d %s", appcode, appmsg);

  call("99", DECL "<control/>", DECL "<data/>");
  CHECK(appcode < 0, "an unsupported jybh fails with appcode < 0", "%d", appcode);
  call("11", "<control><unclosed>", DECL "<data/>");
  CHECK(appcode < 0 && strstr(appmsg, "XML"), "malformed control XML is reported", "%d %s", appcode, appmsg);

  yh_interface_destroy();
  call("05", DECL "<control/>", DECL "<data/>");
  CHECK(appcode < 0, "calls after destroy are refused", "%d", appcode);
  printf("%s (%d failed)\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}
