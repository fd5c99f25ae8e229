"""What TensorBoard's HParams dashboard shows for a log directory, as JSON on stdout.

Reads LOGDIR with TensorBoard's own event reader (EventMultiplexer) and asks the HParams
plugin's own backend (the handlers behind /data/plugin/hparams/experiment and
/data/plugin/hparams/session_groups) for the experiment and the session groups, as the
dashboard's table, parallel-coordinates and scatter views request them.

With --http, also starts a real `tensorboard --logdir LOGDIR` on 127.0.0.1 (a free port, its
default fast data loading) and adds what its HTTP API answers the dashboard ("http").

usage: python hparams_dashboard.py LOGDIR [--http]
"""
import json
import socket
import subprocess
import sys
import time
import urllib.request

from google.protobuf import json_format
from tensorboard import context
from tensorboard.backend.event_processing import data_provider
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.plugins import base_plugin
from tensorboard.plugins.hparams import api_pb2
from tensorboard.plugins.hparams import backend_context
from tensorboard.plugins.hparams import get_experiment
from tensorboard.plugins.hparams import list_session_groups


def main(logdir):
    multiplexer = plugin_event_multiplexer.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(logdir)
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, logdir)
    tb_context = base_plugin.TBContext(logdir=logdir, multiplexer=multiplexer, data_provider=provider)
    backend = backend_context.Context(tb_context)
    ctx = context.RequestContext()

    experiment = get_experiment.Handler(
        ctx, backend, "", api_pb2.GetExperimentRequest(include_metrics=True)
    ).run()
    request = api_pb2.ListSessionGroupsRequest(
        allowed_statuses=[
            api_pb2.STATUS_UNKNOWN,
            api_pb2.STATUS_SUCCESS,
            api_pb2.STATUS_FAILURE,
            api_pb2.STATUS_RUNNING,
        ],
        start_index=0,
        slice_size=100000,
        include_metrics=True,
    )
    groups = list_session_groups.Handler(ctx, backend, "", request).run()
    runs = sorted(multiplexer.Runs().keys())
    scalars = {}
    for run in runs:
        for tag in multiplexer.Runs()[run].get("tensors", []):
            if multiplexer.SummaryMetadata(run, tag).plugin_data.plugin_name == "scalars":
                scalars.setdefault(run, {})[tag] = len(multiplexer.Tensors(run, tag))
    result = {
        "experiment": json_format.MessageToDict(experiment),
        "sessionGroups": json_format.MessageToDict(groups),
        "runs": runs,
        "scalarCounts": scalars,
    }
    if "--http" in sys.argv:
        result["http"] = served(logdir, json_format.MessageToDict(request))
    print(json.dumps(result))


def served(logdir, session_groups_request):
    """The dashboard's requests to a real TensorBoard server, and its answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "tensorboard.main", "--logdir", logdir, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = "http://127.0.0.1:%d" % port
    try:
        deadline = time.time() + 90
        while True:
            try:
                runs = json.load(urllib.request.urlopen(base + "/data/runs", timeout=5))
                if len(runs) > 0:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("tensorboard did not answer: " + server.stderr.read().decode() if server.poll() is not None else "tensorboard did not answer in 90 s")
            time.sleep(0.5)

        def post(route, body):
            request = urllib.request.Request(
                base + "/data/plugin/hparams/" + route,
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json"},
            )
            return json.load(urllib.request.urlopen(request, timeout=30))

        # The server reads the folder in the background: ask until every session is there.
        sessions = len([run for run in runs if run != "."])
        while True:
            experiment = post("experiment", {"experimentName": "", "includeMetrics": True})
            groups = post("session_groups", session_groups_request)
            if len(groups.get("sessionGroups", [])) >= sessions or time.time() > deadline:
                break
            time.sleep(0.5)
        return {"runs": runs, "experiment": experiment, "sessionGroups": groups}
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main(sys.argv[1])
