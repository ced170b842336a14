/** 認識學群 (public, the student menu; the platform operator corrects it). */
export { PublicStudyFieldsPage, StudyFieldsPage } from './StudyFieldsPage';
