/** 學習成果認證 (subject teachers), loaded as one chunk when first opened. */
export { CertificationPage } from './CertificationPage';
