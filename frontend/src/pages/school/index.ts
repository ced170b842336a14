/** The school's 查詢 and 系統管理 screens (receiving log, school term), loaded as one chunk when first opened. */
export { ReceivingLogPage } from './ReceivingLogPage';
export { TermPage } from './TermPage';
