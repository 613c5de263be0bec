/* SPDX-License-Identifier: GPL-3.0-or-later */
/* src/core is usable without a display: it never includes GTK or libadwaita.
 * This header shadows the real one on the core's include path so the build fails. */
#error "src/core must not include GTK, GDK or libadwaita: move this code to src/ui or src/app"
