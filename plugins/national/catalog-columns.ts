// Column orders of the national catalog files (1301–1319 via 9102): zip with one UTF-8 TXT, TAB separated,
// no header, "null" for empty values. The lists below are the public openhis catalog table orders
// (newtouch-cloud/openhis, [code]; unverified against the official spec). Shared by the catalog sync in
// host-node and by the sandbox center, so both sides agree.

export const AUDIT = ['vali_flag', 'rid', 'crte_time', 'updt_time', 'crter_id', 'crter_name', 'crte_optins_no', 'opter_id', 'opter_name', 'opt_time', 'optins_no', 'ver'];
export const TAIL = ['isu_flag', 'tram_data_id', 'efft_time', 'invd_time'];

/** Public column lists (openhis); catalogs missing here have no public list. */
export const OPENHIS_COLUMNS: Record<string, readonly string[]> = {
  '1301': [
    'med_list_codg', 'drug_prodname', 'genname_codg', 'drug_genname', 'chemname', 'alis', 'eng_name', 'reg_name', 'drugstdcode',
    'drug_dosform', 'drug_dosform_name', 'drug_type', 'drug_type_name', 'drug_spec', 'drug_spec_code', 'reg_dosform', 'reg_spec',
    'reg_spec_code', 'each_dos', 'used_frqu', 'acdbas', 'nat_drug_no', 'used_mtd', 'tcmpat_flag', 'prodplac_type',
    'prodplac_type_name', 'prcunt_type', 'otc_flag', 'otc_flag_name', 'pacmatl', 'pacmatl_name', 'pacspec', 'pac_cnt', 'efcc_atd',
    'rute', 'manl', 'begndate', 'enddate', 'min_useunt', 'min_salunt', 'min_unt', 'min_pac_cnt', 'min_pacunt', 'min_prepunt',
    'minpacunt_name', 'min_prepunt_name', 'convrat', 'drug_expy', 'min_prcunt', 'wubi', 'pinyin', 'subpck_fcty', 'prodentp_code',
    'prodentp_name', 'sp_lmtpric_drug_flag', 'sp_drug_flag', 'lmt_usescp', 'lmt_used_flag', 'drug_regno', 'drug_regcert_begndate',
    'drug_regcert_enddate', 'aprvno', 'aprvno_begndate', 'aprvno_enddate', 'mkt_stas', 'mkt_stas_name', 'drug_reg_appvletr_elecacs',
    'splm_appy_appvletr_file', 'nat_hi_druglist_memo', 'bas_medn_flag_name', 'bas_medn_flag', 'advaltax_adjm_drug_flag',
    'advaltax_adjm_drug_name', 'lstd_druglist_drug', 'hi_nego_drug_flag', 'hi_nego_drug_name', 'nhc_drug_codg', 'memo',
    ...AUDIT, 'ver_name', 'chld_medc', 'co_name', 'conseval_drug', 'dstr', 'dstr_coner', 'dstr_auth_file_elecacs',
    'nat_hi_druglist_dosform', 'nat_hi_druglist_chrgitm_lv', 'lstd_lic_holder', ...TAIL,
  ],
  '1302': [
    'med_list_codg', 'tcmherb_name', 'cpnd_flag', 'qlt_reg', 'tcmherb_year', 'med_part', 'safe_mtr', 'cnvl_used', 'natfla', 'mertpm',
    'cat', 'begndate', 'enddate', ...AUDIT, 'ver_name', 'mlms_name', 'efcc_atd', 'psdg_mtd', 'ecy_type', 'mlms_cat_souc',
    'nat_hi_pay_pol', 'prov_hi_pay_pol', 'std_name', 'std_pagen', 'std_elecacs', ...TAIL,
  ],
  '1308': [
    'oprn_std_list_id', 'ver_name', 'cpr', 'cpr_code_scp', 'cpr_name', 'cgy_code', 'cgy_name', 'sor_code', 'sor_name', 'dtls_code',
    'dtls_name', 'oprn_oprt_code', 'oprn_oprt_name', 'used_std', 'rtl_oprn_oprt_code', 'rtl_oprn_oprt_name', 'clnc_oprn_oprt_code',
    'clnc_oprn_oprt_name', 'memo', ...AUDIT, ...TAIL,
  ],
  '1309': [
    'opsp_dise_code', 'opsp_dise_majcls_name', 'opsp_dise_subd_clss_name', 'admdvs', 'memo', ...AUDIT, 'dise_cont', 'ver_name',
    'trt_guide_pagen', 'trt_guide_elecacs', 'opsp_dise_name', 'opsp_dise_majcls_code', ...TAIL,
  ],
  '1311': [
    'daysrg_trt_list_id', 'daysrg_dise_list_code', 'daysrg_dise_name', ...AUDIT, 'dise_cont', 'memo', 'ver_name', 'trt_guide_pagen',
    'trt_guide_elecacs', 'qua_oprn_oprt_code', 'qua_oprn_oprt_name', ...TAIL,
  ],
  '1313': ['tmor_mpy_id', 'ver_name', 'tmor_cell_type_code', 'tmor_cell_type', 'mpy_type_code', 'mpy_type', ...AUDIT, ...TAIL],
  '1314': [
    'tcm_diag_id', 'ver_name', 'caty_cgy_code', 'caty_cgy_name', 'spcy_sys_taxa_code', 'spcy_sys_taxa_name', 'dise_type_code',
    'dise_type_name', 'memo', ...AUDIT, ...TAIL,
  ],
  '1315': [
    'tcmsymp_id', 'ver_name', 'sds_cgy_code', 'sds_cgy_name', 'sds_attr_code', 'sds_attr', 'sds_type_code', 'sds_type_name', 'memo',
    ...AUDIT, ...TAIL,
  ],
};
