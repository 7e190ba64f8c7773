// The in-memory test journal keeps the Journal contract (so tests built on it mean something).
import { runJournalConformance } from '../journal.case.test.js';
import { memoryJournal, memoryJournalStore } from './memory-journal.js';

const store = memoryJournalStore();
runJournalConformance({ name: 'memory (test double)', kind: 'sqlite', open: async () => memoryJournal(store) });
