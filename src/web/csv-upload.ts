import type { FastifyReply, FastifyRequest } from 'fastify';

const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
const CHOOSE_FILE = 'Choisissez le fichier CSV à importer.';

export type CsvUpload =
  | { ok: true; filename: string; content: Buffer }
  | { ok: false; fileError: string; status: 400 | 413 };

/**
 * Reads the one CSV file of a multipart form (2 Mo at most). Says in French what is wrong with
 * what was sent: nothing, a file too large, or an Excel workbook instead of a CSV file.
 */
export async function readCsvUpload(request: FastifyRequest, reply: FastifyReply): Promise<CsvUpload> {
  if (!request.isMultipart()) {
    // Not multipart: the app's own CSRF check already ran (the route's exemption is for multipart only).
    return { ok: false, fileError: CHOOSE_FILE, status: 400 };
  }
  // The form's hidden token comes before the file: checked before a byte of the file is read.
  let token: unknown = null;
  let file: { filename: string; content: Buffer } | null = null;
  let checked = false;
  for await (const part of request.parts({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } })) {
    if (part.type === 'field') {
      if (part.fieldname === '_csrf' && !checked) token = part.value;
      continue;
    }
    await verifyMultipartCsrf(request, reply, token);
    checked = true;
    try {
      file = { filename: part.filename, content: await part.toBuffer() };
    } catch (error) {
      if (error instanceof request.server.multipartErrors.RequestFileTooLargeError)
        return { ok: false, fileError: 'Le fichier dépasse la taille maximale de 2 Mo.', status: 413 };
      throw error;
    }
  }
  if (!checked) await verifyMultipartCsrf(request, reply, token);
  if (!file) return { ok: false, fileError: CHOOSE_FILE, status: 400 };
  const { content } = file;
  const part = file;
  if (!part.filename && content.length === 0) return { ok: false, fileError: CHOOSE_FILE, status: 400 };
  // A workbook saved as .xlsx is a zip archive: say what to do rather than "not UTF-8".
  if (content.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])))
    return {
      ok: false,
      fileError:
        'Ce fichier est un classeur Excel, pas un fichier CSV : dans Excel, choisissez « Enregistrer sous » puis le type « CSV UTF-8 ».',
      status: 400,
    };
  return { ok: true, filename: part.filename || 'fichier', content };
}

/**
 * The CSRF check of a multipart form (routes with `config: { csrfInMultipart: true }`), with the
 * token its first field carried; throws the same error as the app's own check.
 */
export async function verifyMultipartCsrf(
  request: FastifyRequest,
  reply: FastifyReply,
  token: unknown,
): Promise<void> {
  request.multipartCsrf = typeof token === 'string' ? token : null;
  await new Promise<void>((resolve, reject) =>
    request.server.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve())),
  );
}
