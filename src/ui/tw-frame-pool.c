/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tw-frame-pool.c — keeps cairo-xlib's shared memory for whole-window frames
 *
 * On X11, GTK 4.8's cairo renderer hands each frame to the X server through cairo-xlib,
 * which takes the frame's image from a pool of MIT-SHM segments. A pool is eight times
 * the image rounded up to a power of two (32 MB for a 1000×720 window), and cairo-xlib
 * destroys it as soon as nothing in it is in use: right after a whole-window frame, at
 * the next small one. The next whole-window frame (a profile opening, a page switch)
 * then gets a new segment, every page of which faults once in this process and once in
 * the X server: about 1,500 page faults, 15 ms of a 35 ms frame on the 2-core VM of
 * docs/performance.md, where a fault costs 10 µs.
 *
 * Holding one image of the window's size from that pool keeps the pool alive, and the
 * frames reuse the pages of its other blocks, already mapped on both sides. The held
 * image is never drawn: its own pages are never touched, so it costs no memory. Only
 * for the cairo renderer (GSK_RENDERER=cairo, or where no GL is) on an X11 display with
 * MIT-SHM; anywhere else nothing is held.
 */
#include "config.h"

#include "tw-frame-pool.h"

#if HAVE_CAIRO_XLIB
#include <cairo-xlib.h>
#include <gdk/x11/gdkx.h>
#endif

/**
 * tw_frame_pool_hold:
 * @window: a realized window
 *
 * Holds an image of @window's size in cairo-xlib's shared-memory pool, so that the
 * pool its first frame makes outlives the frame (see above). Call it before the
 * window's first frame; keep the result as long as the window is realized.
 *
 * Returns: (transfer full) (nullable): the held image, to destroy with
 *   cairo_surface_destroy (); %NULL if nothing needs holding
 */
cairo_surface_t *
tw_frame_pool_hold (GtkWidget *window)
{
#if HAVE_CAIRO_XLIB
  GdkDisplay *display = gtk_widget_get_display (window);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  cairo_surface_t *root, *held;
  XWindowAttributes attributes;
  Display *xdisplay;
  int opcode, event, error;

  /* GL renderers upload nothing through cairo-xlib. */
  if (!GDK_IS_X11_DISPLAY (display) || surface == NULL ||
      !GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (GTK_NATIVE (window))))
    return NULL;
  xdisplay = gdk_x11_display_get_xdisplay (display);
  /* Without MIT-SHM, cairo-xlib would give a plain image: nothing to keep. */
  if (!XQueryExtension (xdisplay, "MIT-SHM", &opcode, &event, &error))
    return NULL;

  /* The X window's size in device pixels, as its frames are: GDK's own may not be
   * set before the first frame. */
  if (!XGetWindowAttributes (xdisplay, gdk_x11_surface_get_xid (surface), &attributes) ||
      attributes.width < 32 || attributes.height < 32)
    return NULL;
  /* cairo-xlib keeps one pool list per Display: any drawable of it gives the same
   * pools as the window's frames. */
  root = cairo_xlib_surface_create (xdisplay, DefaultRootWindow (xdisplay),
                                    DefaultVisual (xdisplay, DefaultScreen (xdisplay)), 1, 1);
  held = cairo_surface_create_similar_image (root, CAIRO_FORMAT_ARGB32, attributes.width,
                                             attributes.height);
  cairo_surface_destroy (root);
  if (cairo_surface_status (held) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (held);
      return NULL;
    }
  g_debug ("Holding a %d×%d image in cairo-xlib's shared-memory pool", attributes.width,
           attributes.height);
  return held;
#else
  return NULL;
#endif
}
