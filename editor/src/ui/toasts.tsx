import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { errorMessage } from '../api/client.ts';

interface Toast {
  id: number;
  kind: 'error' | 'info';
  text: string;
  action?: ToastAction;
}

/** A button on a toast, such as "Undo". */
export interface ToastAction {
  label: string;
  run(): void;
}

interface Toaster {
  error(error: unknown): void;
  info(text: string, action?: ToastAction): void;
}

const ToastContext = createContext<Toaster>({ error: () => {}, info: () => {} });
let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (kind: Toast['kind'], text: string, action?: ToastAction) => {
      const id = nextId++;
      setToasts((list) => [...list.slice(-3), { id, kind, text, action }]);
      setTimeout(() => dismiss(id), kind === 'error' || action ? 8000 : 3000);
    },
    [dismiss],
  );
  const toaster = useMemo<Toaster>(
    () => ({
      error: (e) => push('error', errorMessage(e)),
      info: (text, action) => push('info', text, action),
    }),
    [push],
  );
  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.map((t) => (
          <div
            key={t.id}
            className={`toast toast-${t.kind}`}
            role={t.kind === 'error' ? 'alert' : 'status'}
            data-testid="toast"
          >
            <span>{t.text}</span>
            {t.action && (
              <button
                type="button"
                data-testid="toast-action"
                onClick={() => {
                  dismiss(t.id);
                  t.action?.run();
                }}
              >
                {t.action.label}
              </button>
            )}
            <button type="button" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export const useToast = () => useContext(ToastContext);
