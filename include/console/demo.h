/* The demo that `make run` shows (console/demo.c). */
#pragma once

/* Run the demo VM to its end, narrating on the console; 0 or a negative errno. */
int demo_run(void);
