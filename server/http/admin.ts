/**
 * Vendor administration: the customer directory import for files up to 10 MB (docs/DIRECTORY.md).
 * Larger files go through `cosell import-companies`, which streams from disk.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COMPANY_CSV_COLUMNS } from '../../core/company-csv.ts';
import { DomainError } from '../errors.ts';
import type { ServiceContext } from '../services/context.ts';
import { assertMayImportCompanies, importCompaniesAs } from '../services/import-companies.ts';
import { actorOf } from './auth.ts';
import { errorResponses } from './common.ts';

export const IMPORT_BODY_LIMIT = 10 * 1024 * 1024;
/** The response lists at most this many bad rows; `badCount` counts them all. */
export const BAD_ROWS_LISTED = 1000;

const ImportOut = z
  .object({
    read: z.number().int().describe('Data rows read (the header not counted), good and bad'),
    inserted: z.number().int().describe('New entities (with dryRun: that would be inserted)'),
    updated: z
      .number()
      .int()
      .describe('Entities whose D-U-N-S was already in the directory, updated (with dryRun: that would be)'),
    bad: z
      .array(
        z.object({
          line: z.number().int().describe('The line the row starts on; the header is line 1'),
          reason: z.string(),
          field: z.enum(COMPANY_CSV_COLUMNS).optional(),
        }),
      )
      .describe(`The first ${BAD_ROWS_LISTED} bad rows, in file order`),
    badCount: z.number().int().describe('All bad rows'),
    dryRun: z.boolean(),
  })
  .meta({ id: 'CompanyImportResult' });

const utf8 = new TextDecoder('utf-8');

export function adminRoutes(ctx: ServiceContext) {
  return async (plain: FastifyInstance) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    // This context reads CSV only: any other content type is 415. Bytes that are not UTF-8 become U+FFFD
    // and the rows holding them are reported as bad, as the command-line import does.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      'text/csv',
      { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT },
      (_request, body, done) => {
        done(null, utf8.decode(body as Buffer));
      },
    );
    // The app-wide messages name JSON and 1 MB; say what this route takes.
    app.setErrorHandler((error: FastifyError) => {
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        throw new DomainError('unsupported-media-type', 'Send CSV (Content-Type: text/csv; charset=utf-8).');
      }
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        throw new DomainError(
          'payload-too-large',
          'The CSV is larger than 10 MB; import it with `npm run cosell -- import-companies <file.csv>`.',
        );
      }
      throw error;
    });

    app.post(
      '/admin/companies/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        // A caller who may not import gets 403 before a 10 MB body is read.
        preParsing: async (request) => {
          assertMayImportCompanies(actorOf(request));
        },
        schema: {
          tags: ['admin'],
          summary: 'Import customer directory entities from CSV (vendor-admin; at most 10 MB)',
          description:
            `The body is CSV (RFC 4180, UTF-8) with the header \`${COMPANY_CSV_COLUMNS.join(',')}\`. ` +
            'Rows are upserted by D-U-N-S (rows without one are inserted as new entities). Every bad row is ' +
            'reported with its line number and reason and the other rows are still imported. With ' +
            '`dryRun=true` nothing is written. While a command-line initial load into an empty directory is ' +
            'running on SQLite (its D-U-N-S index is built at its end) the answer is 409 `directory-loading`. ' +
            'See docs/DIRECTORY.md.',
          consumes: ['text/csv'],
          querystring: z.strictObject({
            dryRun: z
              .enum(['true', 'false'])
              .default('false')
              .describe('true: validate and count, write nothing'),
          }),
          body: z.string().describe('The CSV file'),
          response: { 200: ImportOut, ...errorResponses },
        },
      },
      async (request) => {
        const result = await importCompaniesAs(ctx, actorOf(request), request.body, {
          dryRun: request.query.dryRun === 'true',
          keepBadRows: BAD_ROWS_LISTED,
        });
        return {
          read: result.read,
          inserted: result.inserted,
          updated: result.updated,
          bad: result.bad,
          badCount: result.badCount,
          dryRun: result.dryRun,
        };
      },
    );
  };
}
