/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-window.h"

#include <glib/gi18n.h>

#include "tw-alerts-page.h"
#include "tw-audit-page.h"
#include "tw-backups-page.h"
#include "tw-keys-page.h"
#include "tw-breakers-page.h"
#include "tw-flags-page.h"
#include "tw-frame-pool.h"
#include "tw-orders-page.h"
#include "tw-logs-page.h"
#include "tw-page-badges.h"
#include "tw-page-row.h"
#include "tw-positions-page.h"
#include "tw-session-page.h"
#include "tw-window-links.h"
#include "tw-window-session.h"
#include "tw-ui-resources.h"
#include "tw-ui-util.h"

/* How long a window on its way to the screen may hold the session's pollers back. */
#define FIRST_FRAME_WAIT_MS 1000

struct _TwWindow
{
  AdwApplicationWindow  parent_instance;

  TwSession            *session;
  TwProfile            *profile;     /* the session's, watched for name and mode */
  GSettings            *settings;    /* NULL without the schema */

  AdwToastOverlay      *toast_overlay;
  GtkButton            *back_button;
  GtkButton            *refresh_button;
  GtkButton            *halt_button;
  GtkLabel             *mode_badge;
  AdwWindowTitle       *window_title;
  GMenu                *profiles_section;
  GtkStack             *main_stack;
  AdwLeaflet           *leaflet;
  GtkListBox           *pages_list;
  GtkStack             *pages_stack;

  TwOverviewPage       *overview_page;
  TwPageBadges         *badges;
  TwWindowSessions     *sessions;    /* the pages not shown, waiting for the session */

  gboolean              first_frame_done;
  gboolean              waiting_first_frame;
  cairo_surface_t      *frame_pool;  /* tw-frame-pool.c, while realized */
  gboolean              saves_state;

  /* The session starts after the first frame (see schedule_start) */
  gboolean              start_pending;
  guint                 start_idle_id;
  guint                 start_timeout_id;
};

G_DEFINE_FINAL_TYPE (TwWindow, tw_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  FIRST_FRAME,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A page whose widget is built on first use (kept on its sidebar row until then). */
typedef struct
{
  char             *title;
  char             *icon_name;
  TwWindowPageFunc  func;
  gpointer          user_data;
  GDestroyNotify    destroy;
} LazyPage;

static void
lazy_page_free (gpointer data)
{
  LazyPage *lazy = data;

  if (lazy->destroy != NULL)
    lazy->destroy (lazy->user_data);
  g_free (lazy->title);
  g_free (lazy->icon_name);
  g_free (lazy);
}

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_title (TwWindow *self)
{
  const char *name = self->profile != NULL ? tw_profile_get_name (self->profile) : NULL;
  gboolean live = self->profile != NULL && tw_profile_get_mode (self->profile) == TW_MODE_LIVE;
  g_autofree char *title = NULL;

  if (self->profile == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->mode_badge), FALSE);
      adw_window_title_set_title (self->window_title, _("Trade Warden"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Trade Warden"));
      gtk_widget_remove_css_class (GTK_WIDGET (self), "tw-live");
      return;
    }

  gtk_label_set_label (self->mode_badge, live ? _("LIVE") : _("PAPER"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mode_badge),
                               live ? _("Live profile: orders use real money")
                                    : _("Paper profile: simulated money"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->mode_badge), live ? "paper" : "live");
  gtk_widget_add_css_class (GTK_WIDGET (self->mode_badge), live ? "live" : "paper");
  gtk_widget_set_visible (GTK_WIDGET (self->mode_badge), TRUE);
  if (live)
    gtk_widget_add_css_class (GTK_WIDGET (self), "tw-live");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "tw-live");

  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, _("Trade Warden"));

  if (live)
    /* Translators: window title of a live profile; %s is the profile's name */
    title = g_strdup_printf (_("LIVE — %s — Trade Warden"), name);
  else
    /* Translators: window title; %s is the profile's name */
    title = g_strdup_printf (_("%s — Trade Warden"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* Folded (a narrow window, down to 360 px): the header keeps the back button, the mode
 * badge, Halt All and the menu; the title and Refresh (still Ctrl+R) give way, so that
 * the header is no wider than the window. */
static void
update_compact_header (TwWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  gtk_widget_set_visible (GTK_WIDGET (self->window_title), !folded);
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_button), self->session != NULL && !folded);
}

static void
update_back_button (TwWindow *self)
{
  gboolean show = gtk_widget_get_visible (GTK_WIDGET (self->main_stack))
                  && self->session != NULL
                  && adw_leaflet_get_folded (self->leaflet)
                  && adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->pages_stack);

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), show);
  update_compact_header (self);
}

static gboolean
update_back_button_cb (gpointer user_data)
{
  TwWindow *self = user_data;

  if (self->leaflet != NULL && self->main_stack != NULL)
    update_back_button (self);
  return G_SOURCE_REMOVE;
}

/* The leaflet folds while it is allocated: the header bar's button is shown or hidden
 * after that frame, not in the middle of its layout (the header bar would be drawn
 * without an allocation). */
static void
leaflet_changed_cb (TwWindow *self)
{
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_back_button_cb, g_object_ref (self), g_object_unref);
}

static void
back_clicked_cb (TwWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static GtkListBoxRow *
find_page_row (TwWindow   *self,
               const char *id,
               int         index)
{
  int i = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->pages_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!GTK_IS_LIST_BOX_ROW (child))
        continue;
      if (id != NULL && g_strcmp0 (tw_page_row_get_id (GTK_LIST_BOX_ROW (child)), id) == 0)
        return GTK_LIST_BOX_ROW (child);
      if (id == NULL && i == index)
        return GTK_LIST_BOX_ROW (child);
      i++;
    }
  return NULL;
}

static void
add_to_stack (TwWindow   *self,
              GtkWidget  *page,
              const char *id,
              const char *title,
              const char *icon_name)
{
  /* Hidden until shown: see select_row(). */
  gtk_widget_set_visible (page, FALSE);
  gtk_stack_add_titled (self->pages_stack, page, id, title);
  gtk_stack_page_set_icon_name (gtk_stack_get_page (self->pages_stack, page), icon_name);
}

/* The row's page, built now if it was lazy. The page takes what it shows from the
 * session: at once when @now (it is shown or asked for), else after this call (see
 * tw-window-session.c). */
static GtkWidget *
ensure_page (TwWindow      *self,
             GtkListBoxRow *row,
             gboolean       now)
{
  const char *id = tw_page_row_get_id (row);
  LazyPage *lazy = g_object_steal_data (G_OBJECT (row), "tw-page-lazy");
  GtkWidget *page;

  if (lazy == NULL)
    {
      page = gtk_stack_get_child_by_name (self->pages_stack, id);
      if (now && page != NULL && self->sessions != NULL)
        _tw_window_sessions_hand (self->sessions, page);
      return page;
    }

  page = lazy->func (self, lazy->user_data);
  g_assert (GTK_IS_WIDGET (page));
  add_to_stack (self, page, id, lazy->title, lazy->icon_name);
  lazy_page_free (lazy);
  if (TW_IS_SESSION_PAGE (page) && self->session != NULL)
    {
      if (now || self->sessions == NULL)
        tw_session_page_set_session (TW_SESSION_PAGE (page), self->session);
      else
        _tw_window_sessions_defer (self->sessions, page);
    }
  return page;
}

static void
ensure_all_pages (TwWindow *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->pages_list));

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (GTK_IS_LIST_BOX_ROW (child))
        ensure_page (self, GTK_LIST_BOX_ROW (child), FALSE);
      child = next;
    }
}

static void
select_row (TwWindow      *self,
            GtkListBoxRow *row)
{
  GtkWidget *page = ensure_page (self, row, TRUE);
  GtkWidget *before = gtk_stack_get_visible_child (self->pages_stack);

  gtk_list_box_select_row (self->pages_list, row);
  /* Only the page shown is visible, the others are hidden, not merely off screen: a
   * hidden widget's changes stop at it (no relayout or style pass of the window for
   * them), so a page of 200 services costs nothing per poll answer while not shown. */
  gtk_widget_set_visible (page, TRUE);
  gtk_stack_set_visible_child (self->pages_stack, page);
  if (before != NULL && before != page)
    gtk_widget_set_visible (before, FALSE);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->pages_stack));
}

static void
page_row_activated_cb (TwWindow      *self,
                       GtkListBoxRow *row)
{
  select_row (self, row);
}

static void
page_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  TwWindow *self = user_data;
  GtkListBoxRow *row = find_page_row (self, NULL, g_variant_get_int32 (parameter) - 1);

  if (row != NULL && self->session != NULL)
    select_row (self, row);
}

static void
show_page_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TwWindow *self = user_data;
  const char *id = g_variant_get_string (parameter, NULL);

  if (!tw_window_show_page (self, id))
    g_debug ("No page “%s” in this window", id);
}

/* The Logs page writes it (logs.snapshot): shown, then asked. */
static void
incident_snapshot_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  TwWindow *self = user_data;

  if (self->session != NULL && tw_window_show_page (self, "logs"))
    gtk_widget_activate_action (gtk_stack_get_visible_child (self->pages_stack), "logs.snapshot", NULL);
}

static const GActionEntry win_actions[] = {
  { "page", page_action, "i", NULL, NULL, { 0 } },
  { "show-page", show_page_action, "s", NULL, NULL, { 0 } },
  { "incident-snapshot", incident_snapshot_action, NULL, NULL, NULL, { 0 } },
};

static void
profile_notify_cb (TwWindow *self)
{
  update_title (self);
}

static void
save_window_state (TwWindow *self)
{
  int width, height;

  if (self->settings == NULL || !self->saves_state)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_apply (self->settings);
}

/* The session at work: its pollers and backup schedule start once the window shows its
 * first frame, which then waits for none of their answers; at once when the window is on
 * screen already or none is coming. */

static void
cancel_start (TwWindow *self)
{
  self->start_pending = FALSE;
  g_clear_handle_id (&self->start_idle_id, g_source_remove);
  g_clear_handle_id (&self->start_timeout_id, g_source_remove);
}

static void
start_session (TwWindow *self)
{
  cancel_start (self);
  if (self->session != NULL)
    tw_session_start (self->session);
}

static gboolean
start_timeout_cb (gpointer user_data)
{
  TwWindow *self = user_data;

  self->start_timeout_id = 0;
  start_session (self);
  return G_SOURCE_REMOVE;
}

static gboolean
start_idle_cb (gpointer user_data)
{
  TwWindow *self = user_data;

  self->start_idle_id = 0;
  /* On its way to the screen: after its first frame (first_after_paint_cb), or after a
   * while if it never paints. */
  if (gtk_widget_get_visible (GTK_WIDGET (self)) && !self->first_frame_done)
    {
      if (self->start_timeout_id == 0)
        self->start_timeout_id = g_timeout_add (FIRST_FRAME_WAIT_MS, start_timeout_cb, self);
      return G_SOURCE_REMOVE;
    }
  start_session (self);
  return G_SOURCE_REMOVE;
}

/* The window is presented after the session is set (demo, command line, tests): decide
 * once the caller is done, in an idle. On screen already, the start is a main-loop round
 * of its own too, not a part of the call that opened the profile. */
static void
schedule_start (TwWindow *self)
{
  self->start_pending = TRUE;
  if (self->start_idle_id == 0)
    self->start_idle_id = g_idle_add (start_idle_cb, self);
}

/* Connected after any other handler: whoever waits for the first frame (a benchmark's
 * clock, a test) sees it before the work that waited for it runs. */
static void
first_after_paint_cb (GdkFrameClock *clock,
                      TwWindow      *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_after_paint_cb, self);
  self->waiting_first_frame = FALSE;
  if (self->first_frame_done)
    return;
  self->first_frame_done = TRUE;
  g_signal_emit (self, signals[FIRST_FRAME], 0);
  if (self->start_pending)
    start_session (self);
  /* The frame is on screen: now the pages that are not shown. */
  ensure_all_pages (self);
  /* No profile shown yet: the fonts of the Overview's first frame, while the operator
   * picks one (that frame otherwise draws them all for the first time). */
  if (self->session == NULL)
    tw_overview_page_warm_up (self->overview_page);
}

static void
tw_window_map (GtkWidget *widget)
{
  TwWindow *self = TW_WINDOW (widget);

  GTK_WIDGET_CLASS (tw_window_parent_class)->map (widget);

  /* Before the first frame, which makes the shared-memory pool to keep. */
  if (self->frame_pool == NULL)
    self->frame_pool = tw_frame_pool_hold (widget);

  if (!self->first_frame_done && !self->waiting_first_frame)
    {
      self->waiting_first_frame = TRUE;
      g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                               G_CALLBACK (first_after_paint_cb), self, G_CONNECT_AFTER);
    }
}

static void
tw_window_unrealize (GtkWidget *widget)
{
  TwWindow *self = TW_WINDOW (widget);

  g_clear_pointer (&self->frame_pool, cairo_surface_destroy);

  GTK_WIDGET_CLASS (tw_window_parent_class)->unrealize (widget);
}

static gboolean
tw_window_close_request (GtkWindow *window)
{
  save_window_state (TW_WINDOW (window));

  return GTK_WINDOW_CLASS (tw_window_parent_class)->close_request (window);
}

static void
tw_window_dispose (GObject *object)
{
  TwWindow *self = TW_WINDOW (object);

  cancel_start (self);
  g_clear_pointer (&self->sessions, _tw_window_sessions_free);
  g_clear_object (&self->badges);
  if (self->profile != NULL)
    g_signal_handlers_disconnect_by_data (self->profile, self);
  g_clear_object (&self->profile);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_WINDOW);

  G_OBJECT_CLASS (tw_window_parent_class)->dispose (object);
}

static void
tw_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  TwWindow *self = TW_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  TwWindow *self = TW_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      tw_window_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_window_class_init (TwWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tw_window_dispose;
  object_class->get_property = tw_window_get_property;
  object_class->set_property = tw_window_set_property;
  widget_class->map = tw_window_map;
  widget_class->unrealize = tw_window_unrealize;
  window_class->close_request = tw_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, TW_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TwWindow::first-frame:
   *
   * The window painted its first frame; its lazy pages are built right after.
   */
  signals[FIRST_FRAME] =
    g_signal_new ("first-frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* Referenced so the linker keeps the resource of the static library. */
  g_assert (tw_ui_get_resource () != NULL);
  g_type_ensure (TW_TYPE_OVERVIEW_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TwWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TwWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, TwWindow, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, TwWindow, halt_button);
  gtk_widget_class_bind_template_child (widget_class, TwWindow, mode_badge);
  gtk_widget_class_bind_template_child (widget_class, TwWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TwWindow, profiles_section);
  gtk_widget_class_bind_template_child (widget_class, TwWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, TwWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TwWindow, pages_list);
  gtk_widget_class_bind_template_child (widget_class, TwWindow, pages_stack);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_row_activated_cb);
}

/* The pages after the Overview, each a TwSessionPage. */
typedef struct
{
  const char  *id;
  const char  *title;
  const char  *icon_name;
  GtkWidget *(*new_page) (void);
} SessionPageInfo;

static const SessionPageInfo session_pages[] = {
  { "breakers", N_("Breakers"), "dialog-warning-symbolic", tw_breakers_page_new },
  { "audit", N_("Audit"), "document-properties-symbolic", tw_audit_page_new },
  { "backups", N_("Backups"), "drive-harddisk-symbolic", tw_backups_page_new },
  { "positions", N_("Positions"), "view-list-symbolic", tw_positions_page_new },
  { "orders", N_("Orders"), "view-list-bullet-symbolic", tw_orders_page_new },
  { "flags", N_("Flags"), "emblem-system-symbolic", tw_flags_page_new },
  { "alerts", N_("Alerts"), "preferences-system-notifications-symbolic", tw_alerts_page_new },
  { "keys", N_("Keys"), "dialog-password-symbolic", tw_keys_page_new },
  { "logs", N_("Logs"), "text-x-generic-symbolic", tw_logs_page_new },
};

static GtkWidget *
build_session_page (TwWindow *window,
                    gpointer  user_data)
{
  const SessionPageInfo *info = user_data;

  return info->new_page ();
}

/* The keyboard focus is never lost: when the focused control goes away (the Resume
 * button of a service that now trades, after its guard closed), it moves to the first
 * control of the page shown instead of nowhere. */
static void
keep_focus_cb (TwWindow *self)
{
  GtkWidget *page;

  if (!gtk_window_is_active (GTK_WINDOW (self)) || gtk_root_get_focus (GTK_ROOT (self)) != NULL)
    return;
  page = gtk_stack_get_visible_child (self->pages_stack);
  if (page == NULL || !gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD))
    gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

static void
tw_window_init (TwWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->saves_state = TRUE;
  self->sessions = _tw_window_sessions_new ();
  g_signal_connect (self, "notify::focus-widget", G_CALLBACK (keep_focus_cb), NULL);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (keep_focus_cb), NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  /* win.show-service, win.show-logs-for-correlation: tw-window-links.c */
  _tw_window_add_link_actions (self);

  self->overview_page = TW_OVERVIEW_PAGE (tw_overview_page_new ());
  tw_window_add_page (self, "overview", _("Overview"), "network-server-symbolic",
                      GTK_WIDGET (self->overview_page));
  /* The other pages are lazy: the sidebar entry exists at once, the widgets are built
   * when the page is first shown or asked for, or right after the first frame, so that
   * frame waits only for what it shows. */
  for (guint i = 0; i < G_N_ELEMENTS (session_pages); i++)
    tw_window_add_lazy_page (self, session_pages[i].id, _(session_pages[i].title),
                             session_pages[i].icon_name, build_session_page,
                             (gpointer) &session_pages[i], NULL);

  self->badges = tw_page_badges_new (self);

  self->settings = tw_ui_settings_new ();
  if (self->settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   MAX (360, g_settings_get_int (self->settings, "window-width")),
                                   MAX (360, g_settings_get_int (self->settings, "window-height")));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  if (DEVELOPMENT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  tw_window_set_session (self, NULL);
}

TwWindow *
tw_window_new (GtkApplication *application)
{
  return g_object_new (TW_TYPE_WINDOW, "application", application, NULL);
}

TwSession *
tw_window_get_session (TwWindow *self)
{
  g_return_val_if_fail (TW_IS_WINDOW (self), NULL);

  return self->session;
}

TwWorkspace *
tw_window_get_workspace (TwWindow *self)
{
  g_return_val_if_fail (TW_IS_WINDOW (self), NULL);

  return self->session != NULL ? tw_session_get_workspace (self->session) : NULL;
}

void
tw_window_set_session (TwWindow  *self,
                       TwSession *session)
{
  g_autoptr(TwSession) old = NULL;
  g_autoptr(GPtrArray) waiting = NULL;
  TwProfile *profile;
  GtkWidget *shown;
  gboolean changed;

  g_return_if_fail (TW_IS_WINDOW (self));
  g_return_if_fail (session == NULL || TW_IS_SESSION (session));

  changed = self->session != session;
  if (!changed && session != NULL)
    return;
  cancel_start (self);
  old = g_steal_pointer (&self->session);
  g_set_object (&self->session, session);

  if (self->profile != NULL)
    g_signal_handlers_disconnect_by_data (self->profile, self);
  profile = session != NULL ? tw_session_get_profile (session) : NULL;
  g_set_object (&self->profile, profile);
  if (self->profile != NULL)
    {
      g_signal_connect_swapped (self->profile, "notify::name", G_CALLBACK (profile_notify_cb), self);
      g_signal_connect_swapped (self->profile, "notify::mode", G_CALLBACK (profile_notify_cb), self);
    }

  /* Every page built so far; the lazy ones get it when they are built (ensure_page).
   * The page shown at once; the others let go of the old one now and get the new one
   * after this call (tw-window-session.c). A page still waiting holds none. */
  waiting = self->sessions != NULL ? _tw_window_sessions_take (self->sessions)
                                   : g_ptr_array_new ();
  if (self->sessions != NULL)
    _tw_window_sessions_set_session (self->sessions, session);
  shown = gtk_stack_get_visible_child (self->pages_stack);
  for (GtkWidget *page = gtk_widget_get_first_child (GTK_WIDGET (self->pages_stack));
       page != NULL;
       page = gtk_widget_get_next_sibling (page))
    {
      if (!TW_IS_SESSION_PAGE (page))
        continue;
      if (session == NULL || page == shown || self->sessions == NULL)
        {
          tw_session_page_set_session (TW_SESSION_PAGE (page), session);
          continue;
        }
      if (old != NULL && !g_ptr_array_find (waiting, page, NULL))
        tw_session_page_set_session (TW_SESSION_PAGE (page), NULL);
      _tw_window_sessions_defer (self->sessions, page);
    }
  if (self->badges != NULL)
    tw_page_badges_set_session (self->badges, session);

  gtk_stack_set_visible_child_name (self->main_stack, session != NULL ? "profile" : "empty");
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_button), session != NULL);
  /* Halt All is on every page of a profile. */
  gtk_widget_set_visible (GTK_WIDGET (self->halt_button), session != NULL);
  if (session != NULL && gtk_list_box_get_selected_row (self->pages_list) == NULL)
    tw_window_show_page (self, "overview");
  update_title (self);
  update_back_button (self);
  if (session != NULL && !tw_session_is_started (session))
    schedule_start (self);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static GtkWidget *
add_row (TwWindow   *self,
         const char *id,
         const char *title,
         const char *icon_name)
{
  GtkWidget *row = tw_page_row_new (id, title, icon_name);

  gtk_list_box_append (self->pages_list, row);
  return row;
}

void
tw_window_set_page_badge (TwWindow   *self,
                          const char *id,
                          const char *text,
                          const char *style,
                          const char *description)
{
  GtkListBoxRow *row;

  g_return_if_fail (TW_IS_WINDOW (self));
  g_return_if_fail (id != NULL);

  row = find_page_row (self, id, -1);
  if (row != NULL)
    tw_page_row_set_badge (row, text, style, description);
}

const char *
tw_window_get_page_badge (TwWindow   *self,
                          const char *id)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (TW_IS_WINDOW (self), NULL);

  row = find_page_row (self, id, -1);
  return row != NULL ? tw_page_row_get_badge (row) : NULL;
}

void
tw_window_add_page (TwWindow   *self,
                    const char *id,
                    const char *title,
                    const char *icon_name,
                    GtkWidget  *page)
{
  g_return_if_fail (TW_IS_WINDOW (self));
  g_return_if_fail (id != NULL && title != NULL);
  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (find_page_row (self, id, -1) == NULL);

  add_to_stack (self, page, id, title, icon_name);
  add_row (self, id, title, icon_name);
}

void
tw_window_add_lazy_page (TwWindow         *self,
                         const char       *id,
                         const char       *title,
                         const char       *icon_name,
                         TwWindowPageFunc  func,
                         gpointer          user_data,
                         GDestroyNotify    destroy)
{
  LazyPage *lazy;
  GtkWidget *row;

  g_return_if_fail (TW_IS_WINDOW (self));
  g_return_if_fail (id != NULL && title != NULL);
  g_return_if_fail (func != NULL);
  g_return_if_fail (find_page_row (self, id, -1) == NULL);

  lazy = g_new0 (LazyPage, 1);
  lazy->title = g_strdup (title);
  lazy->icon_name = g_strdup (icon_name);
  lazy->func = func;
  lazy->user_data = user_data;
  lazy->destroy = destroy;
  row = add_row (self, id, title, icon_name);
  g_object_set_data_full (G_OBJECT (row), "tw-page-lazy", lazy, lazy_page_free);
  /* Shown already: no reason to wait. */
  if (self->first_frame_done)
    ensure_page (self, GTK_LIST_BOX_ROW (row), FALSE);
}

GtkWidget *
tw_window_get_page (TwWindow   *self,
                    const char *id)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (TW_IS_WINDOW (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  row = find_page_row (self, id, -1);
  if (row == NULL)
    return NULL;
  return ensure_page (self, row, TRUE);
}

gboolean
tw_window_has_painted (TwWindow *self)
{
  g_return_val_if_fail (TW_IS_WINDOW (self), FALSE);

  return self->first_frame_done;
}

gboolean
tw_window_show_page (TwWindow   *self,
                     const char *id)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (TW_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  row = find_page_row (self, id, -1);
  if (row == NULL)
    return FALSE;
  select_row (self, row);
  return TRUE;
}

const char *
tw_window_get_visible_page (TwWindow *self)
{
  g_return_val_if_fail (TW_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->pages_stack);
}

void
tw_window_add_toast (TwWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (TW_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
tw_window_set_profile_names (TwWindow           *self,
                             const char * const *names)
{
  g_autoptr(GMenu) submenu = NULL;

  g_return_if_fail (TW_IS_WINDOW (self));

  g_menu_remove_all (self->profiles_section);
  if (names == NULL || names[0] == NULL)
    return;

  submenu = g_menu_new ();
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (names[i], NULL);

      g_menu_item_set_action_and_target_value (item, "app.open-profile",
                                               g_variant_new_string (names[i]));
      g_menu_append_item (submenu, item);
    }
  g_menu_append_submenu (self->profiles_section, _("_Open Profile"), G_MENU_MODEL (submenu));
}

TwOverviewPage *
tw_window_get_overview_page (TwWindow *self)
{
  g_return_val_if_fail (TW_IS_WINDOW (self), NULL);

  return self->overview_page;
}

const char *
tw_window_get_badge_text (TwWindow *self)
{
  g_return_val_if_fail (TW_IS_WINDOW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->mode_badge)))
    return NULL;
  return gtk_label_get_label (self->mode_badge);
}

GtkWidget *
tw_window_get_halt_button (TwWindow *self)
{
  g_return_val_if_fail (TW_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->halt_button);
}

void
tw_window_set_saves_state (TwWindow *self,
                           gboolean  saves_state)
{
  g_return_if_fail (TW_IS_WINDOW (self));

  self->saves_state = !!saves_state;
}

gboolean
tw_window_is_empty (TwWindow *self)
{
  g_return_val_if_fail (TW_IS_WINDOW (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "empty") == 0;
}
