/** The product's name as shown in the header and the browser tab. */
export const APP_TITLE = '學習歷程檔案 Licheng';
