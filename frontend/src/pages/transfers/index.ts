/** 學習歷程資料: 匯出 (S0601S), 匯入 (S0602S) and the student's imported items, loaded as one chunk. */
export { ExportTransfersPage, ImportTransfersPage, MyTransferredItemsPage } from './TransfersPage';
