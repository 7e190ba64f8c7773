/* A portable mutex for the native libraries (core-asm/native and legacy-com-bridge/native).
 * Statically initialised, so it is safe to take from any thread at any time, also before
 * DllMain/constructors have run anything:
 *   static yb_mutex_t m = YB_MUTEX_INIT;  yb_mutex_lock(&m); ... yb_mutex_unlock(&m);
 * Windows: a CRITICAL_SECTION initialised race-free on first use (no InitOnce: works on XP);
 * elsewhere: a pthread mutex.
 */
#ifndef YB_LOCK_H
#define YB_LOCK_H

#ifdef _WIN32
#include <windows.h>
typedef struct {
  CRITICAL_SECTION cs;
  volatile LONG state; /* 0 = none, 1 = initialising, 2 = ready */
} yb_mutex_t;
#define YB_MUTEX_INIT {{0}, 0}
static inline void yb_mutex_lock(yb_mutex_t* m) {
  if (m->state != 2) {
    /* the first thread initialises, the others spin until it is ready */
    if (InterlockedCompareExchange(&m->state, 1, 0) == 0) {
      InitializeCriticalSection(&m->cs);
      InterlockedExchange(&m->state, 2);
    } else {
      while (m->state != 2) Sleep(0);
    }
  }
  EnterCriticalSection(&m->cs);
}
static inline void yb_mutex_unlock(yb_mutex_t* m) { LeaveCriticalSection(&m->cs); }
#else
#include <pthread.h>
typedef struct {
  pthread_mutex_t mu;
} yb_mutex_t;
#define YB_MUTEX_INIT {PTHREAD_MUTEX_INITIALIZER}
static inline void yb_mutex_lock(yb_mutex_t* m) { pthread_mutex_lock(&m->mu); }
static inline void yb_mutex_unlock(yb_mutex_t* m) { pthread_mutex_unlock(&m->mu); }
#endif

#endif /* YB_LOCK_H */
