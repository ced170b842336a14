/** The school's 查詢 and 系統管理 screens, loaded as one chunk when first opened. */
export { CoTaughtPage } from './CoTaughtPage';
export { DelegatesPage } from './DelegatesPage';
export { ParametersPage } from './ParametersPage';
export { ReceivingLogPage } from './ReceivingLogPage';
export { TermPage } from './TermPage';
export { WorkPeriodsPage } from './WorkPeriodsPage';
