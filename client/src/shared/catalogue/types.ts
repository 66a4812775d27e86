/** The catalogue's languages, and a code's label in both of them (Chinese first). */
export type Lang = 'zh-CN' | 'en';

/** A text in both languages, Chinese first: the shape of the tables of codes the server sends. */
export type Pair = readonly [zh: string, en: string];

/** A label in both languages for each of a set of codes. */
export type Labels<K extends string> = Record<K, Pair>;
