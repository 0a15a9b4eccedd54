"""`sbs serve --ssh`: the app served over SSH (asyncssh), one isolated process and pty per session."""
