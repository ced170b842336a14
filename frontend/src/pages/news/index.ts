/** 最新消息管理 (the platform operator and school admins), loaded as its own chunk. */
export { NewsAdminPage } from './NewsAdminPage';
