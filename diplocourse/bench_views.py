"""Reference pages for `make bench`, mounted only when BENCH_VIEWS is on.

A page's throughput is reported as a ratio to these, measured by the same stack in the same run:
`bare` is the cost of the stack itself, `floor` adds a session and a logged-in user.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def floor(request):
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")
