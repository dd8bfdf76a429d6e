
<
AbortAbort*
exit_without_error(*
	error_msgbye"í