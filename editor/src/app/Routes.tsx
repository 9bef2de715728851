import { ReportPage } from '../analytics/ReportPage.tsx';
import { BroadcastsPage } from '../broadcasts/BroadcastsPage.tsx';
import { BuilderPage } from '../builder/BuilderPage.tsx';
import { ExperimentsIndex } from '../experiments/ExperimentsIndex.tsx';
import { JourneyExperiments } from '../experiments/JourneyExperiments.tsx';
import { CustomerPage } from '../inspector/CustomerPage.tsx';
import { CustomerSearch } from '../inspector/CustomerSearch.tsx';
import { EnrollmentPage } from '../inspector/EnrollmentPage.tsx';
import { JourneyList } from '../journeys/JourneyList.tsx';
import { SegmentPage } from '../segments/SegmentPage.tsx';
import { SegmentsPage } from '../segments/SegmentsPage.tsx';
import { ApiKeys } from '../settings/ApiKeys.tsx';
import { DeliverySettingsPage } from '../settings/DeliverySettingsPage.tsx';
import { PromoPoolsPage } from '../settings/PromoPoolsPage.tsx';
import { TemplatesPage } from '../settings/TemplatesPage.tsx';

export function Routes({ route }: { route: string[] }) {
  const [section, id, sub, version] = route;
  if (section === 'journeys' && id && sub === 'analytics') return <ReportPage key={id} journeyId={id} />;
  if (section === 'journeys' && id) {
    return (
      <BuilderPage
        key={`${id}/${version ?? ''}`}
        journeyId={id}
        version={sub === 'versions' ? Number(version) : undefined}
      />
    );
  }
  if (section === 'experiments' && id) return <JourneyExperiments key={id} journeyId={id} />;
  if (section === 'experiments') return <ExperimentsIndex />;
  if (section === 'customers' && id) return <CustomerPage key={id} customerId={id} />;
  if (section === 'customers') return <CustomerSearch />;
  if (section === 'enrollments' && id) return <EnrollmentPage key={id} enrollmentId={id} />;
  if (section === 'segments' && id) return <SegmentPage key={id} segmentId={id === 'new' ? null : id} />;
  if (section === 'segments') return <SegmentsPage />;
  if (section === 'broadcasts') return <BroadcastsPage />;
  if (section === 'settings' && id === 'api-keys') return <ApiKeys />;
  if (section === 'settings' && id === 'delivery') return <DeliverySettingsPage />;
  if (section === 'settings' && id === 'templates') return <TemplatesPage selected={sub} />;
  if (section === 'settings' && id === 'promo-pools') return <PromoPoolsPage />;
  return <JourneyList />;
}
