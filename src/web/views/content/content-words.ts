export const CONTENT_ADMIN_URL = '/admin/contenus';
export const contentEditUrl = (key: string) => `${CONTENT_ADMIN_URL}/${key}`;
export const FAQ_URL = '/aide/faq';
