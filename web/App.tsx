import { Spinner } from '@fluentui/react-components';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { Shell } from './components/Shell.tsx';
import { Home } from './routes/Home.tsx';
import { useMe } from './session.ts';

const SignIn = lazy(() => import('./routes/SignIn.tsx'));
const DealPage = lazy(() => import('./routes/DealPage.tsx'));
const NewDeal = lazy(() => import('./routes/NewDeal.tsx'));
const Settings = lazy(() => import('./routes/Settings.tsx'));

function Loading() {
  const { t } = useTranslation();
  return <Spinner style={{ marginTop: 96 }} label={t('Loading…')} />;
}

function RequireSignIn({ children }: { children: React.ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  return <Shell me={me.data}>{children}</Shell>;
}

export function App() {
  return (
    <Suspense fallback={<Loading />}>
      <Routes>
        <Route path="/sign-in" element={<SignIn />} />
        <Route
          path="/"
          element={
            <RequireSignIn>
              <Home />
            </RequireSignIn>
          }
        />
        <Route
          path="/deals/new"
          element={
            <RequireSignIn>
              <NewDeal />
            </RequireSignIn>
          }
        />
        <Route
          path="/deals/:id"
          element={
            <RequireSignIn>
              <DealPage />
            </RequireSignIn>
          }
        />
        <Route
          path="/settings"
          element={
            <RequireSignIn>
              <Settings />
            </RequireSignIn>
          }
        />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Suspense>
  );
}
