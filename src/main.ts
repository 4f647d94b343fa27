// The app's entry (dist/main.js): registers the emo-* elements; index.html holds <emo-app-shell>.
// Then the service worker (dist/sw.js, scope = the app's folder) for offline use and updates.
import { pwa } from './sw/client';
import './ui/app/app-shell';
import { installBenchRoute } from './bench/view/bench-route';

pwa.listen();
void pwa.register(new URL('./sw.js', import.meta.url));
installBenchRoute();
