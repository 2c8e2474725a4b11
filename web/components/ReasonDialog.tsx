import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Option,
  Textarea,
} from '@fluentui/react-components';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { label, REASON_LABELS } from '../terms.ts';

/** Decline, lost and close-as-error: a reason from the lifecycle's list and optional notes. */
export function ReasonDialog({
  open,
  title,
  intro,
  reasons,
  confirm,
  onClose,
  onConfirm,
}: {
  open: boolean;
  title: string;
  intro: string;
  reasons: readonly string[];
  confirm: string;
  onClose: () => void;
  onConfirm: (input: { reason: string; notes?: string }) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Dialog open={open} onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            void onConfirm({ reason, ...(notes.trim() ? { notes: notes.trim() } : {}) }).finally(() =>
              setBusy(false),
            );
          }}
        >
          <DialogBody>
            <DialogTitle>{title}</DialogTitle>
            <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
              <p style={{ margin: 0 }}>{intro}</p>
              <Field label={t('Reason')} required>
                <Dropdown
                  placeholder={t('Select a reason')}
                  value={reason ? label(t, REASON_LABELS, reason) : ''}
                  selectedOptions={reason ? [reason] : []}
                  onOptionSelect={(_e, d) => setReason(d.optionValue ?? '')}
                  data-testid="reason"
                >
                  {reasons.map((r) => (
                    <Option key={r} value={r}>
                      {label(t, REASON_LABELS, r)}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
              <Field label={t('Notes')}>
                <Textarea value={notes} onChange={(_e, d) => setNotes(d.value)} resize="vertical" />
              </Field>
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={onClose}>
                {t('Cancel')}
              </Button>
              <Button appearance="primary" type="submit" disabled={!reason || busy}>
                {confirm}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
