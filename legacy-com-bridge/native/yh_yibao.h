/* Drop-in replacement for Chengdu's Yinhai 5.0 interface (libyh_yibao.so / yh_yibao32.dll).
 *
 * The exports and their arguments are those of the Yinhai component (shared/reference/wire-formats.md
 * §2.1): GBK XML in and out, caller-allocated out strings (PowerBuilder `ref string` pre-sized with
 * Space(n)), `ref long` as int*. Transactions are translated to canonical operations that the local
 * yibao agent runs against whichever region it is configured for; see README.md for the table.
 *
 * Out-buffer sizes (the Yinhai signatures carry none), to pre-size in the caller:
 *   astr_pcbh, astr_jylsh, astr_jyyzm  >= 64 bytes  (we write at most 40)
 *   astr_appmsg                        >= 512 bytes (we write at most 511, cut at a GBK character)
 *   astr_jysc_xml, astr_jgxml          >= YH_YIBAO_OUTCAP bytes (default 65536); a longer answer is
 *                                      refused with appcode -1 rather than overflowing the buffer.
 * appcode >= 0 is success (1), < 0 failure with the reason in appmsg (GBK).
 */
#ifndef YH_YIBAO_H
#define YH_YIBAO_H

#ifdef _WIN32
#  define YH_CC __stdcall
#  ifdef YH_BUILDING
#    define YH_API __declspec(dllexport)
#  elif defined(YH_LINK_DIRECT) /* mingw: link the .dll itself with -Wl,--enable-stdcall-fixup */
#    define YH_API
#  else
#    define YH_API __declspec(dllimport)
#  endif
#else
#  define YH_CC
#  define YH_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

YH_API void YH_CC yh_interface_init(int* aint_appcode, char* astr_appmsg);
YH_API void YH_CC yh_interface_destroy(void);
YH_API void YH_CC yh_interface_call(const char* astr_jybh, const char* astr_jykz_xml, const char* astr_jysr_xml, char* astr_pcbh,
                                    char* astr_jylsh, char* astr_jyyzm, char* astr_jysc_xml, int* aint_appcode, char* astr_appmsg);
YH_API void YH_CC yh_interface_confirm(const char* astr_jylsh, const char* astr_jyyzm, int* aint_appcode, char* astr_appmsg);
YH_API void YH_CC yh_interface_cancel(const char* astr_jylsh, int* aint_appcode, char* astr_appmsg);
YH_API void YH_CC yh_interface_getuncertaintytrade(const char* astr_jybh, char* astr_jgxml, int* aint_appcode, char* astr_appmsg);

#ifdef __cplusplus
}
#endif

#endif /* YH_YIBAO_H */
