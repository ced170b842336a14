/** 提交管理: 匯出提交名冊 (S0207S, S0208S) and 匯出幹部名冊 (S0218S), loaded as one chunk. */
export { CadreRostersPage, SubmissionRostersPage } from './RostersPage';
