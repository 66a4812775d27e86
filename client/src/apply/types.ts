/** The shapes the application page reads and sends, from the HTTP contract (types only). */
import type { z } from 'zod';
import type {
  applicationFileReceipt,
  applicationFormSchema,
  applicationView,
} from '../../../signaling/http/applications.js';

export type ApplicationView = z.output<typeof applicationView>;
export type ApplicationFormInput = z.input<typeof applicationFormSchema>;
export type FileReceipt = z.output<typeof applicationFileReceipt>;
