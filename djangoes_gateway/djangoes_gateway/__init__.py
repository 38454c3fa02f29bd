"""What djangoes' gateways share, with neither Django nor the rest of djangoes.

A gateway serves a protocol Elasticsearch no longer speaks (thrift, memcached) and has each
request run by an *upstream* (:mod:`.upstreams`): Elasticsearch over HTTP, or whatever an
installed distribution registers (djangoes-engine's in-process engine). Its connections are
served by :class:`~.serving.ThreadedServer`, which sheds load by the policy of
:mod:`.connections`; its answers are :mod:`.replies` (and :mod:`.content` codes them); its
command line is a :class:`~.cli.GatewayCommand`. This module imports none of them, so that
importing one (the engine's HTTP server imports :mod:`.connections`) loads no other.
"""
