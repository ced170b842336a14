/** 課程諮詢紀錄 (course consultants, the admin / S0204S), its statistics, and a student's own. */
export { ConsultationsPage, ConsultationStatsPage, MyConsultationsPage } from './ConsultationsPage';
