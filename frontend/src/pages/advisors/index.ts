/** 設定課程諮詢教師, 設定輔導老師/科主任 and 我的學生, loaded as one chunk when first opened. */
export { AdviseesPage } from './AdviseesPage';
export { ConsultantsPage } from './ConsultantsPage';
export { CounselorsPage } from './CounselorsPage';
