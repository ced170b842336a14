/** The 查詢 reports (modules S0216S, S0205S, S0206S, S0215S), loaded as one chunk when first opened. */
export { SelectionPerformancesPage, SelectionResultsPage } from './SelectionStatusPage';
export { UncertifiedTeachersPage } from './UncertifiedTeachersPage';
export { UsagePage } from './UsagePage';
// Issue #23: the statistics screens and 學生上傳及勾選情形確認單.
export { TeacherCertificationsPage, UploadStatsPage, UsageCountsPage } from './StatsPages';
export { ConfirmationSheetPage, MyConfirmationSheetPage } from './ConfirmationSheetPage';
export { AnalysisPage } from './AnalysisPage';
export { DeadlinesPage } from './DeadlinesPage';
