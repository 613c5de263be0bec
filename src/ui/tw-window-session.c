/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-window-session.h"

#include "tw-session-page.h"

/* Each page's set_session binds and builds what it shows: done for every page in the
 * call that opens a profile, 200 services' pages took that call past a frame. The page
 * shown gets the session in that call; the others wait here. Just below drawing, so that
 * a frame due is drawn first, but above G_PRIORITY_DEFAULT_IDLE, which a busy main loop
 * (a screen reader walking the window) left waiting for seconds: the pages then got
 * their session only as they were shown, and test-a11y found unnamed list items. One
 * page a round, so that each round stays short. */
#define WAITING_PRIORITY (GDK_PRIORITY_REDRAW + 10)

struct _TwWindowSessions
{
  TwSession *session;   /* the one to hand; NULL: none */
  GPtrArray *waiting;   /* of GtkWidget (TwSessionPage), the first next */
  guint      idle_id;
};

static void page_map_cb (GtkWidget        *page,
                         TwWindowSessions *self);

TwWindowSessions *
_tw_window_sessions_new (void)
{
  TwWindowSessions *self = g_new0 (TwWindowSessions, 1);

  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  return self;
}

/* The page leaves the queue, its handler with it. */
static void
forget_page (TwWindowSessions *self,
             GtkWidget        *page)
{
  g_signal_handlers_disconnect_by_func (page, page_map_cb, self);
}

/* The pages still waiting (transfer full), no longer waiting: nothing will be handed. */
GPtrArray *
_tw_window_sessions_take (TwWindowSessions *self)
{
  GPtrArray *waiting = self->waiting;

  g_clear_handle_id (&self->idle_id, g_source_remove);
  for (guint i = 0; i < waiting->len; i++)
    forget_page (self, g_ptr_array_index (waiting, i));
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_clear_object (&self->session);
  return waiting;
}

void
_tw_window_sessions_free (TwWindowSessions *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (_tw_window_sessions_take (self));
  g_ptr_array_unref (self->waiting);
  g_free (self);
}

void
_tw_window_sessions_set_session (TwWindowSessions *self,
                                 TwSession        *session)
{
  g_assert (self->waiting->len == 0);

  g_set_object (&self->session, session);
}

static void
hand_at (TwWindowSessions *self,
         guint             index)
{
  g_autoptr(GtkWidget) page = g_ptr_array_steal_index (self->waiting, index);
  g_autoptr(TwSession) session = g_object_ref (self->session);

  forget_page (self, page);
  if (self->waiting->len == 0)
    g_clear_handle_id (&self->idle_id, g_source_remove);
  tw_session_page_set_session (TW_SESSION_PAGE (page), session);
}

static gboolean
hand_next_cb (gpointer user_data)
{
  TwWindowSessions *self = user_data;

  /* The last one removes the source itself (hand_at): not again. */
  if (self->waiting->len == 1)
    {
      self->idle_id = 0;
      hand_at (self, 0);
      return G_SOURCE_REMOVE;
    }
  hand_at (self, 0);
  return G_SOURCE_CONTINUE;
}

/* Shown some other way than the window's own (a test's stack, a relayout): it cannot
 * show without its session. */
static void
page_map_cb (GtkWidget        *page,
             TwWindowSessions *self)
{
  _tw_window_sessions_hand (self, page);
}

void
_tw_window_sessions_defer (TwWindowSessions *self,
                           GtkWidget        *page)
{
  g_return_if_fail (TW_IS_SESSION_PAGE (page));

  if (self->session == NULL || g_ptr_array_find (self->waiting, page, NULL))
    return;
  g_ptr_array_add (self->waiting, g_object_ref (page));
  g_signal_connect (page, "map", G_CALLBACK (page_map_cb), self);
  if (self->idle_id == 0)
    self->idle_id = g_idle_add_full (WAITING_PRIORITY, hand_next_cb, self, NULL);
}

/* At once: the page is shown or asked for. Nothing when it is not waiting. */
void
_tw_window_sessions_hand (TwWindowSessions *self,
                          GtkWidget        *page)
{
  guint index;

  if (g_ptr_array_find (self->waiting, page, &index))
    hand_at (self, index);
}
