import type { FastifyRequest } from 'fastify';

const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
const CHOOSE_FILE = 'Choisissez le fichier CSV à importer.';

export type CsvUpload =
  | { ok: true; filename: string; content: Buffer }
  | { ok: false; fileError: string; status: 400 | 413 };

/**
 * Reads the one CSV file of a multipart form (2 Mo at most). Says in French what is wrong with
 * what was sent: nothing, a file too large, or an Excel workbook instead of a CSV file.
 */
export async function readCsvUpload(request: FastifyRequest): Promise<CsvUpload> {
  if (!request.isMultipart()) return { ok: false, fileError: CHOOSE_FILE, status: 400 };
  const part = await request.file({ limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } });
  if (!part) return { ok: false, fileError: CHOOSE_FILE, status: 400 };
  let content: Buffer;
  try {
    content = await part.toBuffer();
  } catch (error) {
    if (error instanceof request.server.multipartErrors.RequestFileTooLargeError)
      return { ok: false, fileError: 'Le fichier dépasse la taille maximale de 2 Mo.', status: 413 };
    throw error;
  }
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
