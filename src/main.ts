// The app's entry (dist/main.js): registers the emo-* elements; index.html holds <emo-app-shell>.
import './ui/app-shell';
