import '@xyflow/react/dist/style.css';
import './styles.css';
import './collab.css';
import './canvas/canvas.css';
import './inspector/support.css';
import './settings/settings.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { ErrorBoundary } from './ui/ErrorBoundary.tsx';
import { ToastProvider } from './ui/toasts.tsx';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <ToastProvider>
        <App />
      </ToastProvider>
    </ErrorBoundary>
  </StrictMode>,
);
