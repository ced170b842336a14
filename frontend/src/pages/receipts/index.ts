/** 收訖明細: the admin's 維護收訖明細 (S0219S) and the student's receipt, loaded as one chunk. */
export { MyReceiptPage } from './MyReceiptPage';
export { ReceiptsAdminPage } from './ReceiptsAdminPage';
