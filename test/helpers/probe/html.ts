/**
 * Just enough HTML reading for the probe, over pages this app renders itself (Preact escapes
 * `<`, `>`, `&` and `"` in text and attributes, so a `<` in the markup always opens a tag).
 */

export interface Tag {
  name: string;
  attrs: Record<string, string>;
  /** Offset of the tag in the page. */
  at: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(
        e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
      );
    return ENTITIES[e] ?? m;
  });
}

/** Every start tag of the page, with its attributes (names lower-cased, values decoded). */
export function tags(html: string): Tag[] {
  const out: Tag[] = [];
  for (const m of html.matchAll(
    /<([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g,
  )) {
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g))
      attrs[a[1]!.toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
    out.push({ name: m[1]!.toLowerCase(), attrs, at: m.index! });
  }
  return out;
}

export interface FormField {
  name: string;
  type: string;
  /** What the page fills in or offers (options of a select, value of a radio or checkbox). */
  values: string[];
  /** Out of the tab order: a trap for robots (a person leaves it empty). */
  trap?: boolean;
}

export interface FormSpec {
  action: string;
  method: 'get' | 'post';
  fields: FormField[];
}

/** The forms of a page with their fields (several radios of one name make one field). */
export function forms(html: string, pageUrl: string): FormSpec[] {
  const out: FormSpec[] = [];
  for (const m of html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/g)) {
    const [formTag, ...inner] = tags(m[0]);
    const fields = new Map<string, FormField>();
    let selectName: string | null = null;
    for (const t of inner) {
      const name = t.attrs.name;
      if (t.name === 'select' && name) {
        selectName = name;
        fields.set(name, fields.get(name) ?? { name, type: 'select', values: [] });
        continue;
      }
      if (t.name === 'option' && selectName) {
        fields.get(selectName)!.values.push(t.attrs.value ?? '');
        continue;
      }
      if (!['input', 'textarea', 'button'].includes(t.name) || !name || name === '_csrf') continue;
      const field = fields.get(name) ?? {
        name,
        type: t.attrs.type ?? t.name,
        values: [],
        trap: t.attrs.tabindex === '-1',
      };
      if (t.attrs.value !== undefined) field.values.push(t.attrs.value);
      fields.set(name, field);
    }
    const action = new URL(formTag!.attrs.action || pageUrl, 'http://sesame.test').pathname;
    out.push({
      action,
      method: (formTag!.attrs.method ?? 'get').toLowerCase() === 'post' ? 'post' : 'get',
      fields: [...fields.values()],
    });
  }
  return out;
}
