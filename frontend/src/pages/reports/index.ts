/** The 查詢 reports (modules S0216S, S0205S, S0206S, S0215S), loaded as one chunk when first opened. */
export { SelectionPerformancesPage, SelectionResultsPage } from './SelectionStatusPage';
export { UncertifiedTeachersPage } from './UncertifiedTeachersPage';
export { UsagePage } from './UsagePage';
