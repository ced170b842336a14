/** 通知 (every signed-in user), loaded as its own chunk when first opened. */
export { NotificationsPage } from './NotificationsPage';
