"""The marketplace's write paths, one function per use case (one transaction, audit event,
side effects on commit):

- profiles: ensure_profile, update_profile, add_image, remove_image, set_staff_role
- signup: sign_up, approve_signup, refuse_signup
- checklist: ensure_default_checklist, requirements_for
- evidence: checklist, missing_items, upload_evidence (the request's documents)
- accreditation: create_draft, submit, take_in_review, verify_evidence, accredit, reject,
  suspend, revoke, renew (and re-exports evidence's names)
- expiry: expire_evidence (the periodic task)
- threads: start_thread, post_message, mark_read, close_thread, reopen_thread, report_abuse,
  handle_report (messages between citizens and providers; who acts and the rate limit in
  thread_access)
"""
