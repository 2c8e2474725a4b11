/**
 * The demo personas for the sign-in page's persona picker. Listed only when the demo ecosystem is loaded
 * (the personas exist in the database); a real deployment lists nobody.
 */
import { findUserByEmail, loadActorRows } from '../db/repositories/users.ts';
import type { ServiceContext } from './context.ts';

/** The personas of the README's table, in its order. */
export const DEMO_PERSONA_EMAILS = [
  'radmin@contoso.example',
  'user.se@contoso.example',
  'user.tw@contoso.example',
  'admin@contoso.example',
  'radmin@fabrikam.example',
  'radmin@litware.example',
  'vadmin@northwind.example',
  'seller@northwind.example',
] as const;

export interface DemoPersona {
  email: string;
  name: string;
  organization: string;
  roles: string[];
}

export async function demoPersonas(ctx: ServiceContext): Promise<{ demo: boolean; personas: DemoPersona[] }> {
  const personas: DemoPersona[] = [];
  for (const email of DEMO_PERSONA_EMAILS) {
    const user = await findUserByEmail(ctx.db, email);
    const rows = user ? await loadActorRows(ctx.db, user.id) : null;
    if (!rows) continue;
    personas.push({
      email,
      name: rows.user.name,
      organization: rows.user.organization_name,
      roles: [...new Set(rows.roles.map((r) => r.role))],
    });
  }
  return { demo: personas.length > 0, personas };
}
