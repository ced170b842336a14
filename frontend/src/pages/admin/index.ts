/** The school admin's account screens (帳號管理), loaded as one chunk when first opened. */
export { ApiKeysPage } from './ApiKeysPage';
export { AuditPage } from './AuditPage';
export { MailSettingsPage } from './MailSettingsPage';
export { PasswordsPage } from './PasswordsPage';
export { RemindersPage } from './RemindersPage';
export { RoleGroupsPage } from './RoleGroupsPage';
export { TemporaryAccountsPage } from './TemporaryAccountsPage';
