import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
} from '@fluentui/react-components';
import { AddRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Deal } from '../api/client.ts';
import { useMe } from '../session.ts';
import {
  emptyInvitation,
  type InvitationDraft,
  InvitationEditor,
  invitationBody,
} from './InvitationEditor.tsx';

/** Invite partners to an existing deal (only offered when the deal's abilities allow it). */
export function InviteDialog({
  deal,
  onClose,
  onInvite,
  busy,
  error,
}: {
  deal: Deal;
  onClose: () => void;
  onInvite: (partners: ReturnType<typeof invitationBody>[]) => void;
  busy: boolean;
  error: string | null;
}) {
  const { t } = useTranslation();
  const me = useMe().data!;
  const team = deal.team.filter((m) => m.organization.id === me.organization.id);
  const [drafts, setDrafts] = useState<InvitationDraft[]>([
    emptyInvitation({
      closeDate: deal.closeDate,
      currency: deal.value.currency,
      teamEmails: team.map((m) => m.email),
    }),
  ]);
  const ready = drafts.every(
    (d) => d.partnerId && d.closeDate && d.amount && d.solutionIds.length && d.teamEmails.length,
  );
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface style={{ maxWidth: 640 }}>
        <DialogBody>
          <DialogTitle>{t('Invite partners')}</DialogTitle>
          <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 16 }}>
            {drafts.map((draft, i) => (
              <InvitationEditor
                key={draft.key}
                index={i}
                draft={draft}
                team={team}
                onChange={(next) => setDrafts(drafts.map((d, j) => (j === i ? next : d)))}
                {...(drafts.length > 1
                  ? { onRemove: () => setDrafts(drafts.filter((_d, j) => j !== i)) }
                  : {})}
              />
            ))}
            <Button
              icon={<AddRegular />}
              onClick={() =>
                setDrafts([
                  ...drafts,
                  emptyInvitation({ closeDate: deal.closeDate, currency: deal.value.currency }),
                ])
              }
              style={{ alignSelf: 'flex-start' }}
            >
              {t('Add another partner')}
            </Button>
            {error && (
              <MessageBar intent="error">
                <MessageBarBody>{error}</MessageBarBody>
              </MessageBar>
            )}
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{t('Cancel')}</Button>
            <Button
              appearance="primary"
              disabled={busy || !ready}
              onClick={() => onInvite(drafts.map((d) => invitationBody(d, team)))}
            >
              {t('Send invitations')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
