/** 自主學習 (issue #22): admin 5.1 / 5.2, the student's plans and results, the certifiers' queue. */
export { CertificationOrderPage } from './CertificationOrderPage';
export { CertifierGroupsPage } from './CertifierGroupsPage';
export { SelfDirectedQueuePage } from './QueuePage';
export { StudentSelfDirectedPage } from './StudentSelfDirectedPage';
export { SelfDirectedReportPage } from './ReportPage';
