
<
AbortAbort*
	error_msgbye*
exit_without_error("í