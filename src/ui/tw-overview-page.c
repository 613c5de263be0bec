/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "tw-overview-page.h"
#include "tw-overview-page-private.h"

#include <glib/gi18n.h>

#include "tw-trading-summary.h"
#include "tw-ui-util.h"
#include "tw-service-page.h"
#include "tw-narrow.h"

static void session_page_iface_init (TwSessionPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TwOverviewPage, tw_overview_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (TW_TYPE_SESSION_PAGE, session_page_iface_init))

enum {
  PROP_0,
  PROP_WORKSPACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
unwatch_all (TwOverviewPage *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static void
service_changed_cb (TwOverviewPage *self)
{
  _tw_overview_page_update_summary (self);
}

static void
rewatch (TwOverviewPage *self)
{
  guint n = self->services != NULL ? g_list_model_get_n_items (self->services) : 0;

  unwatch_all (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TwService) service = g_list_model_get_item (self->services, i);

      g_signal_connect_swapped (service, "notify::state", G_CALLBACK (service_changed_cb), self);
      g_signal_connect_swapped (service, "notify::stale", G_CALLBACK (service_changed_cb), self);
      g_ptr_array_add (self->watched, g_steal_pointer (&service));
    }
  _tw_overview_page_update_summary (self);
}

static void
update_empty (TwOverviewPage *self)
{
  gboolean empty = self->services == NULL || g_list_model_get_n_items (self->services) == 0;

  if (self->list_stack != NULL)
    gtk_stack_set_visible_child_name (self->list_stack, empty ? "empty" : "services");
}

/* A large profile's rows are not all built at once: GTK 4.8's list view builds (sets
 * up, binds, lays out) a row for each of its first 200 items, not only those in view,
 * which for 200 services blocked the main loop for a few hundred milliseconds while the
 * profile opened, and a frame that lays out twenty new rows takes 40 ms. The list
 * shows the first ROWS_FIRST services at once (more than a window shows); the others
 * join one a main-loop round while the list is on screen (grow_rows_cb).
 *
 * A profile opened in a window already on screen (opens_on_screen()): its first frame
 * laid out and painted the whole window (the sidebar, the header bar, the lines above
 * the list) and sixteen rows, 20-35 ms of the main thread, 1-1.5 ms of it a row's first
 * layout. There the list, its first ROWS_FIRST_ON_SCREEN rows built and bound with the
 * page, shows from the page's second frame on, not in its first (list_later), and the
 * other rows join after that frame, each bound to its service as it is then: no frame
 * does all of it. Those first rows are built in a main-loop round of their own before
 * the page's first frame (first_rows_cb), not in the call that opened the profile,
 * which builds the session and the window's other parts. The list's first frame shows
 * one of them; the others, built and bound, are hidden and shown one a frame after it
 * (reveal_rows), before the list grows. On a machine where a row's first layout takes
 * 3-4 ms, the list's first frame with all five took 21-29 ms (bench-poll, 200
 * services); shown three a frame, the next frames took 17-28 ms; one a frame, the
 * opening's longest stall was 15.6-17.4 ms. */
#define ROWS_FIRST           16
#define ROWS_FIRST_ON_SCREEN 5

/* The other rows: one a main-loop round at the default idles' priority, below drawing
 * and the polls' answers, so that a frame due is drawn first, and beside the other
 * idles, not above them: above, they held back the session's start (an idle), and with
 * it the first polls, by a second. Two a frame in a tick callback made each of the
 * hundred frames of a 200-service opening 10-25 ms long: a row's template and binding
 * take 2-4 ms (the X round trips of its tooltips among them), on top of the frame's own
 * work. At most ROWS_PER_FRAME between two frames, the next ones after the frame
 * (grow_after_paint_cb): a main-loop round is short, and a frame that came after ten of
 * them laid out ten new rows (1-1.5 ms each), 16-22 ms frames through the growth. */
#define ROWS_PRIORITY        G_PRIORITY_DEFAULT_IDLE
#define ROWS_PER_FRAME       TW_OVERVIEW_ROWS_PER_FRAME
/* The first rows, built before the list shows, shown after its first frame. */
#define ROWS_REVEALED_PER_FRAME 1

/* Shows every row still hidden, and stops showing them a frame at a time. */
static void
stop_revealing (TwOverviewPage *self)
{
  if (self->reveal_clock != NULL)
    g_clear_signal_handler (&self->reveal_paint_id, self->reveal_clock);
  g_clear_object (&self->reveal_clock);
  for (guint i = 0; self->hidden != NULL && i < self->hidden->len; i++)
    gtk_widget_set_visible (g_ptr_array_index (self->hidden, i), TRUE);
  if (self->hidden != NULL)
    g_ptr_array_set_size (self->hidden, 0);
}

static void
stop_growing (TwOverviewPage *self)
{
  stop_revealing (self);
  g_clear_handle_id (&self->rows_idle, g_source_remove);
  g_clear_handle_id (&self->grow_id, g_source_remove);
  if (self->grow_clock != NULL)
    g_clear_signal_handler (&self->grow_paint_id, self->grow_clock);
  g_clear_object (&self->grow_clock);
}

static gboolean
grow_rows_cb (gpointer user_data)
{
  TwOverviewPage *self = user_data;
  guint n, size;

  /* Off screen, it waits for the list's next map (grow_rows). */
  if (self->shown == NULL || self->services == NULL || self->services_list == NULL ||
      !gtk_widget_get_mapped (GTK_WIDGET (self->services_list)))
    {
      self->grow_id = 0;
      return G_SOURCE_REMOVE;
    }
  n = g_list_model_get_n_items (self->services);
  size = gtk_slice_list_model_get_size (self->shown) + 1;
  if (size < n)
    {
      gtk_slice_list_model_set_size (self->shown, size);
      if (++self->grown_this_frame < ROWS_PER_FRAME)
        return G_SOURCE_CONTINUE;
      /* The next ones after the frame that lays these out. */
      self->grow_id = 0;
      return G_SOURCE_REMOVE;
    }
  /* Every row built: the services added from now on show at once. */
  self->grow_id = 0;
  stop_growing (self);
  gtk_slice_list_model_set_size (self->shown, G_MAXUINT);
  return G_SOURCE_REMOVE;
}

static void grow_rows (TwOverviewPage *self);

static void
grow_after_paint_cb (GdkFrameClock  *clock,
                     TwOverviewPage *self)
{
  self->grown_this_frame = 0;
  grow_rows (self);
}

static void
grow_rows (TwOverviewPage *self)
{
  GdkFrameClock *clock;

  if (self->shown == NULL || self->grow_id != 0 || self->rows_idle != 0 || self->hidden->len > 0 ||
      self->services_list == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self->services_list)) ||
      gtk_slice_list_model_get_size (self->shown) >= g_list_model_get_n_items (self->services))
    return;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->services_list));
  if (clock != self->grow_clock)
    {
      if (self->grow_clock != NULL)
        g_clear_signal_handler (&self->grow_paint_id, self->grow_clock);
      g_set_object (&self->grow_clock, clock);
      self->grown_this_frame = 0;
      if (clock != NULL)
        self->grow_paint_id = g_signal_connect (clock, "after-paint",
                                                G_CALLBACK (grow_after_paint_cb), self);
    }
  if (self->grown_this_frame >= ROWS_PER_FRAME)
    return;
  self->grow_id = g_idle_add_full (ROWS_PRIORITY, grow_rows_cb, self, NULL);
}

static void
show_list (TwOverviewPage *self)
{
  if (self->list_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->list_tick);
  self->list_tick = 0;
  self->list_frames = 0;
  if (self->list_stack != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->list_stack), TRUE);
}

/* After each frame while some of the first rows are hidden: the next of them shows,
 * laid out by the next frame; then the list grows. */
static void
reveal_after_paint_cb (GdkFrameClock  *clock,
                       TwOverviewPage *self)
{
  for (guint i = 0; i < ROWS_REVEALED_PER_FRAME && self->hidden->len > 0; i++)
    {
      GtkWidget *row = g_ptr_array_steal_index (self->hidden, 0);

      gtk_widget_set_visible (row, TRUE);
    }
  if (self->hidden->len > 0)
    return;
  stop_revealing (self);
  grow_rows (self);
}

/* The list's first frame lays out one row: the others built are hidden till after it. */
static void
reveal_rows (TwOverviewPage *self,
             GdkFrameClock  *clock)
{
  stop_revealing (self);
  for (guint i = 1; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      gtk_widget_set_visible (row, FALSE);
      g_ptr_array_add (self->hidden, row);
    }
  if (self->hidden->len == 0)
    return;
  self->reveal_clock = g_object_ref (clock);
  self->reveal_paint_id = g_signal_connect (clock, "after-paint",
                                            G_CALLBACK (reveal_after_paint_cb), self);
}

/* A tick of the page: its first frame without the list, the next one with it. */
static gboolean
list_later_tick (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       user_data)
{
  TwOverviewPage *self = user_data;

  if (self->list_frames++ == 0)
    return G_SOURCE_CONTINUE;
  self->list_tick = 0;
  /* Its first rows show what they held before this frame lays them out, not after
   * (which would lay them out twice); those it leaves out of view are held again. */
  for (guint i = 0; i < self->rows->len; i++)
    tw_service_row_set_held (g_ptr_array_index (self->rows, i), FALSE);
  reveal_rows (self, clock);
  show_list (self);
  return G_SOURCE_REMOVE;
}

/* Whether a profile set now shows in a window already on screen, the page not shown
 * yet: the window's first frame with it lays the page out for the first time. */
static gboolean
opens_on_screen (TwOverviewPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return self->list_stack != NULL && root != NULL && gtk_widget_get_mapped (GTK_WIDGET (root)) &&
         !gtk_widget_get_mapped (GTK_WIDGET (self));
}

static void
list_later (TwOverviewPage *self)
{
  show_list (self);
  if (!opens_on_screen (self))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->list_stack), FALSE);
  self->list_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), list_later_tick, self, NULL);
}

/* Above drawing: built before the page's first frame, which does not show them; one row
 * a main-loop round (a row's template and binding take 1-3 ms). */
static gboolean
first_rows_cb (gpointer user_data)
{
  TwOverviewPage *self = user_data;
  guint size;

  if (self->shown == NULL)
    {
      self->rows_idle = 0;
      return G_SOURCE_REMOVE;
    }
  size = gtk_slice_list_model_get_size (self->shown) + 1;
  gtk_slice_list_model_set_size (self->shown, size);
  if (size < ROWS_FIRST_ON_SCREEN && size < g_list_model_get_n_items (self->services))
    return G_SOURCE_CONTINUE;
  self->rows_idle = 0;
  grow_rows (self);
  return G_SOURCE_REMOVE;
}

static void
services_changed_cb (TwOverviewPage *self)
{
  rewatch (self);
  update_empty (self);
  grow_rows (self);
}

/* "updated just now" while the data is younger than two poll intervals. */
static guint
fresh_seconds (TwOverviewPage *self)
{
  guint interval_ms = self->workspace != NULL ? tw_workspace_get_poll_interval (self->workspace)
                                              : TW_POLLER_DEFAULT_INTERVAL_MS;

  return 2 * ((interval_ms + 999) / 1000);
}

static void
poll_interval_changed_cb (TwOverviewPage *self)
{
  guint fresh = fresh_seconds (self);

  for (guint i = 0; i < self->rows->len; i++)
    tw_service_row_set_fresh_seconds (g_ptr_array_index (self->rows, i), fresh);
}

static void
row_expanded_cb (TwOverviewPage *self,
                 GParamSpec     *pspec,
                 TwServiceRow   *row)
{
  TwService *service = tw_service_row_get_service (row);

  if (service == NULL || tw_service_get_id (service) == NULL)
    return;
  if (tw_service_row_get_expanded (row))
    g_hash_table_add (self->expanded, g_strdup (tw_service_get_id (service)));
  else
    g_hash_table_remove (self->expanded, tw_service_get_id (service));
}

static void
setup_row_cb (TwOverviewPage *self,
              GtkListItem    *item)
{
  GtkWidget *row = tw_service_row_new (NULL, NULL);

  tw_service_row_set_narrow (TW_SERVICE_ROW (row), self->narrow.narrow);
  /* The page's age timer shows the new latencies of all rows in view at once. */
  tw_service_row_set_defer_latency (TW_SERVICE_ROW (row), TRUE);
  gtk_list_item_set_child (item, row);
  g_signal_connect_object (row, "notify::expanded", G_CALLBACK (row_expanded_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
bind_row_cb (TwOverviewPage *self,
             GtkListItem    *item)
{
  TwServiceRow *row = TW_SERVICE_ROW (gtk_list_item_get_child (item));
  TwService *service = gtk_list_item_get_item (item);
  const char *connector_name = NULL;
  TwClient *client = NULL;
  const char *id = tw_service_get_id (service);

  /* GTK 4.8 gives a list item no accessible label of its own: name the item that holds
   * the row, so a screen reader says which service the focus is on. */
  if (gtk_widget_get_parent (GTK_WIDGET (row)) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (GTK_WIDGET (row))),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, tw_service_get_name (service), -1);
  if (self->workspace != NULL && id != NULL)
    client = tw_workspace_get_client (self->workspace, id);
  if (client != NULL)
    connector_name = tw_connector_get_name (tw_client_get_connector (client));

  /* The expansion belongs to the service, not to the recycled row; set before
   * the service so that only an expanded service builds its components. */
  tw_service_row_set_expanded (row, id != NULL && g_hash_table_contains (self->expanded, id));
  tw_service_row_set_narrow (row, self->narrow.narrow);
  tw_service_row_set_connector_name (row, connector_name);
  tw_service_row_set_fresh_seconds (row, fresh_seconds (self));
  tw_service_row_set_service (row, service);
  tw_service_row_set_trading_state (row, _tw_overview_page_lookup_state (self, id));
  g_ptr_array_add (self->rows, row);
}

static void
unbind_row_cb (TwOverviewPage *self,
               GtkListItem    *item)
{
  TwServiceRow *row = TW_SERVICE_ROW (gtk_list_item_get_child (item));

  g_ptr_array_remove_fast (self->rows, row);
  if (g_ptr_array_remove (self->hidden, row))
    gtk_widget_set_visible (GTK_WIDGET (row), TRUE);
  /* Keeps the expansion of the service it showed. */
  g_signal_handlers_block_by_func (row, row_expanded_cb, self);
  tw_service_row_set_trading_state (row, NULL);
  tw_service_row_set_service (row, NULL);
  g_signal_handlers_unblock_by_func (row, row_expanded_cb, self);
}

static void
navigation_changed_cb (TwOverviewPage *self)
{
  /* Back by swipe or Alt+Left: the service page lets go of its service. */
  if (adw_leaflet_get_visible_child (self->navigation) == self->overview_child)
    {
      tw_service_page_set_service_id (self->service_page, NULL);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "overview.back", FALSE);
    }
}

static void
row_activated_cb (TwOverviewPage *self,
                  guint           position)
{
  g_autoptr(TwService) service = NULL;
  TwServiceRow *row;

  if (self->services == NULL)
    return;
  service = g_list_model_get_item (self->services, position);
  if (service == NULL || tw_service_get_id (service) == NULL)
    return;
  /* A click (or Enter) opens the service's page; its components unfold with the row's
   * own button. */
  row = tw_overview_page_get_row (self, tw_service_get_id (service));
  if (row != NULL)
    tw_overview_page_show_service (self, tw_service_get_id (service));
}

static void
show_service_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  tw_overview_page_show_service (TW_OVERVIEW_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  tw_overview_page_show_service (TW_OVERVIEW_PAGE (widget), NULL);
}

/* The Overview's content and the service page side by side, one shown at a time. */
static void
build_navigation (TwOverviewPage *self)
{
  self->overview_child = g_object_ref (adw_bin_get_child (ADW_BIN (self)));
  adw_bin_set_child (ADW_BIN (self), NULL);
  self->navigation = ADW_LEAFLET (adw_leaflet_new ());
  adw_leaflet_set_can_unfold (self->navigation, FALSE);
  adw_leaflet_set_can_navigate_back (self->navigation, TRUE);
  adw_leaflet_append (self->navigation, self->overview_child);
  self->service_page = TW_SERVICE_PAGE (tw_service_page_new ());
  adw_leaflet_append (self->navigation, GTK_WIDGET (self->service_page));
  adw_leaflet_set_visible_child (self->navigation, self->overview_child);
  g_signal_connect_swapped (self->navigation, "notify::visible-child",
                            G_CALLBACK (navigation_changed_cb), self);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->navigation));
}

/* Whether @row shows in the list's scrolled window: GTK 4.8's list view builds up to
 * 200 rows, most of them outside it, and leaves many of those unallocated (empty bounds
 * at 0, 0): those are out of view too. A row scrolled to is released after the list
 * view allocates it and before the frame that shows it (layout_cb). */
static gboolean
row_in_view (GtkWidget *row,
             GtkWidget *viewport)
{
  graphene_rect_t bounds;

  if (viewport == NULL)
    return TRUE;
  if (!gtk_widget_compute_bounds (row, viewport, &bounds) || bounds.size.height <= 0)
    return FALSE;
  return bounds.origin.y + bounds.size.height >= 0 &&
         bounds.origin.y <= gtk_widget_get_height (viewport);
}

/* One timer for the whole page, not one per row. */
static gboolean
age_timer_cb (gpointer user_data)
{
  TwOverviewPage *self = user_data;
  GtkWidget *viewport = gtk_widget_get_ancestor (GTK_WIDGET (self->services_list),
                                                 GTK_TYPE_SCROLLED_WINDOW);

  /* Only the rows in view (the others are held, and catch up when scrolled to); each
   * changes its text only when the words do. */
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      gboolean in_view = row_in_view (row, viewport);

      tw_service_row_set_held (TW_SERVICE_ROW (row), !in_view);
      if (in_view)
        tw_service_row_update_age (TW_SERVICE_ROW (row));
    }

  return G_SOURCE_CONTINUE;
}

/* Holds the rows out of view, releases those in view. */
static void
hold_rows (TwOverviewPage *self)
{
  GtkWidget *viewport = gtk_widget_get_ancestor (GTK_WIDGET (self->services_list),
                                                 GTK_TYPE_SCROLLED_WINDOW);

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      tw_service_row_set_held (TW_SERVICE_ROW (row), !row_in_view (row, viewport));
    }
}

/* Scrolled: the rows that came into view show their latency and age now. */
static void
scrolled_cb (TwOverviewPage *self)
{
  if (self->age_timer != 0)
    age_timer_cb (self);
}

/* After the window's layout in each frame that lays out (the frame clock's "layout",
 * connected after GTK's own handler): the rows the list view has just allocated in view
 * show what changed while they were held. Their new text queues a resize, and the frame
 * clock lays out again before it paints, so no frame shows a stale row. */
static void
layout_cb (GdkFrameClock  *clock,
           TwOverviewPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    hold_rows (self);
}

static void
tw_overview_page_map (GtkWidget *widget)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (widget);

  GTK_WIDGET_CLASS (tw_overview_page_parent_class)->map (widget);
  /* Its first frame draws what was left cold. */
  _tw_overview_page_stop_warming (self);

  if (self->layout_handler == 0)
    {
      self->layout_clock = gtk_widget_get_frame_clock (widget);
      if (self->layout_clock != NULL)
        {
          g_object_ref (self->layout_clock);
          self->layout_handler = g_signal_connect_after (self->layout_clock, "layout",
                                                         G_CALLBACK (layout_cb), self);
        }
    }

  age_timer_cb (self);
  if (self->trading_dirty)
    _tw_overview_page_update_trading (self);
  if (self->age_timer == 0)
    self->age_timer = g_timeout_add_seconds (1, age_timer_cb, self);
}

static void
disconnect_layout (TwOverviewPage *self)
{
  if (self->layout_clock != NULL)
    g_clear_signal_handler (&self->layout_handler, self->layout_clock);
  g_clear_object (&self->layout_clock);
}

static void
tw_overview_page_unmap (GtkWidget *widget)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (widget);

  g_clear_handle_id (&self->age_timer, g_source_remove);
  disconnect_layout (self);

  GTK_WIDGET_CLASS (tw_overview_page_parent_class)->unmap (widget);
}

/* Every row bound now; the recycled ones follow as they are set up or bound. */
static void
set_narrow (GtkWidget *widget,
            gboolean   narrow)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (widget);

  for (guint i = 0; i < self->rows->len; i++)
    tw_service_row_set_narrow (g_ptr_array_index (self->rows, i), narrow);
}

gboolean
tw_overview_page_get_narrow (TwOverviewPage *self)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), FALSE);

  return self->narrow.narrow;
}

static void
tw_overview_page_dispose (GObject *object)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (object);

  tw_narrow_clear (&self->narrow);

  g_clear_handle_id (&self->age_timer, g_source_remove);
  g_clear_handle_id (&self->trading_idle, g_source_remove);
  _tw_overview_page_stop_warming (self);
  disconnect_layout (self);
  stop_growing (self);
  show_list (self);
  g_clear_object (&self->shown);
  tw_overview_page_set_session (self, NULL);
  if (self->navigation != NULL)
    g_signal_handlers_disconnect_by_data (self->navigation, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TW_TYPE_OVERVIEW_PAGE);
  g_clear_object (&self->overview_child);

  G_OBJECT_CLASS (tw_overview_page_parent_class)->dispose (object);
}

static void
tw_overview_page_finalize (GObject *object)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (object);

  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_pointer (&self->watched_states, g_ptr_array_unref);
  g_clear_pointer (&self->watched_accounts, g_ptr_array_unref);
  g_clear_pointer (&self->expanded, g_hash_table_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->hidden, g_ptr_array_unref);

  G_OBJECT_CLASS (tw_overview_page_parent_class)->finalize (object);
}

static void
tw_overview_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      g_value_set_object (value, self->workspace);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_overview_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TwOverviewPage *self = TW_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_WORKSPACE:
      tw_overview_page_set_workspace (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tw_overview_page_class_init (TwOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tw_overview_page_dispose;
  object_class->finalize = tw_overview_page_finalize;
  object_class->get_property = tw_overview_page_get_property;
  object_class->set_property = tw_overview_page_set_property;
  widget_class->map = tw_overview_page_map;
  widget_class->unmap = tw_overview_page_unmap;

  properties[PROP_WORKSPACE] =
    g_param_spec_object ("workspace", NULL, NULL, TW_TYPE_WORKSPACE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (TW_TYPE_SERVICE_ROW);
  g_type_ensure (TW_TYPE_WRAP_BIN);

  /* The failed-halt banner: in a narrow window its Retry goes under its text. */
  g_type_ensure (TW_TYPE_BANNER_BOX);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tradewarden/TradeWarden/tw-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, trading_box);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, trading_icon);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, trading_label);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, failure_revealer);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, failure_label);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, summary_icon);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, mode_box);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, mode_icon);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, mode_label);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, TwOverviewPage, services_list);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "overview.show-service", "s", show_service_action);
  gtk_widget_class_install_action (widget_class, "overview.back", NULL, back_action);
}

static void
tw_overview_page_init (TwOverviewPage *self)
{
  GtkWidget *scrolled;

  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->watched_states = g_ptr_array_new_with_free_func (g_object_unref);
  self->watched_accounts = g_ptr_array_new_with_free_func (g_object_unref);
  self->expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rows = g_ptr_array_new ();
  self->hidden = g_ptr_array_new ();
  tw_narrow_init (&self->narrow, GTK_WIDGET (self), 500, set_narrow);
  gtk_widget_init_template (GTK_WIDGET (self));
  scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->services_list), GTK_TYPE_SCROLLED_WINDOW);
  if (scrolled != NULL)
    g_signal_connect_object (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                             "value-changed", G_CALLBACK (scrolled_cb), self, G_CONNECT_SWAPPED);
  /* The rows not built yet join while the list is on screen. */
  g_signal_connect_object (self->services_list, "map", G_CALLBACK (grow_rows), self,
                           G_CONNECT_SWAPPED);
  build_navigation (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "overview.back", FALSE);
  _tw_overview_page_update_summary (self);
  update_empty (self);
}

GtkWidget *
tw_overview_page_new (void)
{
  return g_object_new (TW_TYPE_OVERVIEW_PAGE, NULL);
}

TwWorkspace *
tw_overview_page_get_workspace (TwOverviewPage *self)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), NULL);

  return self->workspace;
}

void
tw_overview_page_set_workspace (TwOverviewPage *self,
                                TwWorkspace    *workspace)
{
  g_return_if_fail (TW_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (workspace == NULL || TW_IS_WORKSPACE (workspace));

  if (self->workspace == workspace)
    return;

  if (self->services != NULL)
    g_signal_handlers_disconnect_by_data (self->services, self);
  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->services);
  stop_growing (self);
  g_clear_object (&self->shown);
  g_set_object (&self->workspace, workspace);
  /* Another profile: its services start collapsed. */
  g_hash_table_remove_all (self->expanded);

  if (workspace != NULL)
    {
      self->services = g_object_ref (tw_workspace_get_services (workspace));
      g_signal_connect_swapped (self->services, "items-changed",
                                G_CALLBACK (services_changed_cb), self);
      g_signal_connect_swapped (workspace, "notify::poll-interval",
                                G_CALLBACK (poll_interval_changed_cb), self);
    }
  /* The list view is NULL once the template is disposed. */
  if (self->services_list != NULL)
    {
      g_autoptr(GtkNoSelection) selection = NULL;

      if (self->services != NULL)
        {
          gboolean later = opens_on_screen (self);

          self->shown = gtk_slice_list_model_new (g_object_ref (self->services), 0,
                                                  later ? 0 : ROWS_FIRST);
          selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->shown)));
          if (later)
            self->rows_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, first_rows_cb, self, NULL);
        }
      gtk_list_view_set_model (self->services_list, GTK_SELECTION_MODEL (selection));
      grow_rows (self);
      if (self->services != NULL)
        list_later (self);
      else
        show_list (self);
    }
  rewatch (self);
  update_empty (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKSPACE]);
}

void
tw_overview_page_set_session (TwOverviewPage *self,
                              TwSession      *session)
{
  TwRiskMonitor *monitor;

  g_return_if_fail (TW_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (session == NULL || TW_IS_SESSION (session));

  if (self->session != session)
    {
      if (self->session != NULL)
        g_signal_handlers_disconnect_by_data (self->session, self);
      if (self->states != NULL)
        g_signal_handlers_disconnect_by_data (self->states, self);
      g_clear_object (&self->states);
      if (self->accounts != NULL)
        g_signal_handlers_disconnect_by_data (self->accounts, self);
      g_clear_object (&self->accounts);
      g_set_object (&self->session, session);
      if (session != NULL && tw_session_get_portfolio (session) != NULL)
        {
          self->accounts = g_object_ref (tw_portfolio_get_accounts (tw_session_get_portfolio (session)));
          g_signal_connect_swapped (self->accounts, "items-changed",
                                    G_CALLBACK (_tw_overview_page_rewatch_accounts), self);
        }
      monitor = session != NULL ? tw_session_get_risk_monitor (session) : NULL;
      if (monitor != NULL)
        {
          self->states = g_object_ref (tw_risk_monitor_get_states (monitor));
          g_signal_connect_swapped (self->states, "items-changed",
                                    G_CALLBACK (_tw_overview_page_rewatch_states), self);
        }
      if (session != NULL)
        g_signal_connect_swapped (session, "notify::halt-failure",
                                  G_CALLBACK (_tw_overview_page_halt_failure_changed), self);
    }
  tw_overview_page_set_workspace (self, session != NULL ? tw_session_get_workspace (session) : NULL);
  if (self->service_page != NULL)
    {
      /* Another profile: back to the Overview. */
      if (session == NULL || tw_service_page_get_service_id (self->service_page) == NULL ||
          tw_profile_lookup_service (tw_session_get_profile (session),
                                     tw_service_page_get_service_id (self->service_page)) == NULL)
        tw_overview_page_show_service (self, NULL);
      tw_service_page_set_session (self->service_page, session);
    }
  /* The template's children are NULL once it is disposed. */
  if (self->trading_box != NULL)
    {
      _tw_overview_page_rewatch_states (self);
      _tw_overview_page_halt_failure_changed (self);
      _tw_overview_page_rewatch_accounts (self);
    }
  else
    {
      _tw_overview_page_unwatch_states (self);
      for (guint i = 0; i < self->watched_accounts->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched_accounts, i), self);
      g_ptr_array_set_size (self->watched_accounts, 0);
    }
}

TwServiceRow *
tw_overview_page_get_row (TwOverviewPage *self,
                          const char     *service_id)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), NULL);
  g_return_val_if_fail (service_id != NULL, NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      TwServiceRow *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (tw_service_get_id (tw_service_row_get_service (row)), service_id) == 0)
        return row;
    }

  return NULL;
}

/* TwSessionPage: what the page shows of the window's session */

static void
session_page_set_session (TwSessionPage *page,
                          TwSession     *session)
{
  tw_overview_page_set_session (TW_OVERVIEW_PAGE (page), session);
}

static void
session_page_iface_init (TwSessionPageInterface *iface)
{
  iface->set_session = session_page_set_session;
}

/**
 * tw_overview_page_show_service:
 * @service_id: (nullable): the service whose page to push, NULL to go back to the Overview
 */
void
tw_overview_page_show_service (TwOverviewPage *self,
                               const char     *service_id)
{
  g_return_if_fail (TW_IS_OVERVIEW_PAGE (self));

  if (self->navigation == NULL)
    return;
  if (service_id == NULL || self->session == NULL ||
      tw_profile_lookup_service (tw_session_get_profile (self->session), service_id) == NULL)
    {
      gboolean was_shown = adw_leaflet_get_visible_child (self->navigation) != self->overview_child;

      adw_leaflet_set_visible_child (self->navigation, self->overview_child);
      /* The keyboard is back on the list it left. */
      if (was_shown && self->services_list != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (self->services_list));
      return;
    }
  tw_service_page_set_session (self->service_page, self->session);
  tw_service_page_set_service_id (self->service_page, service_id);
  adw_leaflet_set_visible_child (self->navigation, GTK_WIDGET (self->service_page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "overview.back", TRUE);
  gtk_widget_grab_focus (tw_service_page_get_back_button (self->service_page));
}

/**
 * tw_overview_page_get_service_page:
 *
 * Returns: (transfer none) (nullable): the service page when it is the one shown
 */
TwServicePage *
tw_overview_page_get_service_page (TwOverviewPage *self)
{
  g_return_val_if_fail (TW_IS_OVERVIEW_PAGE (self), NULL);

  if (self->navigation == NULL ||
      adw_leaflet_get_visible_child (self->navigation) != GTK_WIDGET (self->service_page))
    return NULL;
  return self->service_page;
}
