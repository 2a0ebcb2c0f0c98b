"""The ``rtmpose`` command (``[project.scripts]``), and ``tools/pose.py``'s.

    rtmpose pose INPUT --pose MODEL --det DETECTOR [...]   # tools/pose.py's options
    rtmpose models [WORD]                                   # the model names
    rtmpose download NAME...                                # fetch published zips ahead
    rtmpose extract INPUT... --out DIR --pose M --det D     # a corpus: a pool or Ray
    rtmpose deploy CONFIG CHECKPOINT [...]                  # tools/deploy.py (training stack)

``pose``, ``extract``, ``models`` and ``download`` run on the runtime-only install. Exit
codes: 0 done, 1 an expected error said in one line (``--debug`` for the traceback; also a
video that ended early, its frames before written; an input of ``extract`` that failed),
2 usage, 130 interrupted.
"""
from __future__ import annotations

import logging
import sys
from typing import List, Optional, Sequence, Tuple

from .inference.cli import (EXPECTED_ERRORS, check_flags, choose_backend, model_kwargs,
                            parser)

__all__ = ['main', 'pose_main', 'run_pose']

#: errors and notes go to the package's logger (stderr), as the CLI's backend line does;
#: mmengine's logger is not there on the runtime-only install this command runs on
log = logging.getLogger('rtmpose_plugin.console')


def _output(text: str) -> None:
    """The command's result proper (a table, paths): stdout, so that it can be piped."""
    sys.stdout.write(text + '\n')


def pose_main(argv: Optional[Sequence[str]] = None, exiting: bool = False) -> dict:
    """``rtmpose pose``.

    The pipeline of an :class:`~rtmpose_plugin.api.RTMPose` over the input, written as it
    goes (:func:`rtmpose_plugin.inference.run`); returns the run's summary. The input and
    ``--out`` are checked before any model is opened.
    """
    from .api import RTMPose
    from .inference.opener import locate_model, runs_files
    from .inference.runner import check_out_dir, check_source, coco_detections, run
    from .inference.sources import is_camera
    p = parser()
    args = p.parse_args(argv)
    if not args.det and not args.bundled_dets:
        p.error('give a detector (--det) or bundled detections (--bundled-dets)')
    try:  # the flags alone, before a name is downloaded or anything is opened
        check_flags(args.backend, args.precision)
    except ValueError as e:
        p.error(str(e))
    check_source(args.input, args.reference)  # nothing is opened or made before these
    check_out_dir(args.out, args.input)
    boxes_for = coco_detections(*args.bundled_dets, score_thr=args.det_thr) \
        if args.bundled_dets else None  # its files said wrong before a model opens
    pose = locate_model(args.pose, args.pose_checkpoint, 'pose') \
        if runs_files(args.backend) else args.pose  # located once, here
    on_input = args.precision == 'int8' and not args.calibration and \
        not is_camera(args.input) and not args.bundled_dets
    if on_input:  # INT8 calibrated on the people the detector finds in the input's first frames
        args.calibration = args.input
    try:  # chosen once, here: the models are opened with this choice
        choice = choose_backend(args.backend, args.precision, args.calibration, pose,
                                args.device, args.threads, args.measure)
    except ValueError as e:
        p.error(str(e))
    model = RTMPose(pose, args.det, **dict(model_kwargs(args), backend=choice,
                                           precision=choice.precision,
                                           calibration_first_frames=on_input))
    summary = run(model.pipeline, args.input, args.out, boxes_for=boxes_for,
                  progress=not args.no_progress, max_frames=args.max_frames,
                  reference=args.reference, checked=True, exiting=exiting,
                  overlap=not args.sequential, keep_all_frames=args.keep_all_frames)
    summary.update(backend=model.backend, precision=model.precision,
                   keypoints=model.keypoint_set.name,
                   num_keypoints=model.keypoint_set.num_keypoints)
    return summary


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f'signal {signum}')


def _interrupt_once(signum, frame):
    """The command's handler before the run: later signals ignored, then interrupted."""
    _ignore_signals()
    raise KeyboardInterrupt(f'signal {signum}')


def _ignore_signals() -> None:
    """The process is ending after a stop the user asked for.

    A further Ctrl-C or SIGTERM (an impatient second press) must not cut the summary or the
    exit short.
    """
    import signal
    import threading
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)


def run_pose(argv: Optional[Sequence[str]] = None,
             exiting: bool = False) -> Tuple[int, str]:
    """``rtmpose pose`` / ``tools/pose.py``: (exit code, the line to print).

    0 and the run's summary; 1 and an expected error as one line (a missing file, a model
    that is not what it should be, a bad value, a failed download, a full disk; or a
    video that ended before its index's last frame, the frames before it written and
    counted in the line), or with ``--debug``
    the error raised; 130 when interrupted (Ctrl-C, or SIGTERM as ``timeout``, systemd and
    ``docker stop`` send, handled alike: results flushed, the video finalised); usage
    errors exit 2 (argparse). ``exiting``: the caller is the command, which exits next:
    from the first signal on, further ones are ignored until it has (the run's own
    handler hands over to ignoring, with no moment in between).
    """
    import signal
    import threading
    previous = {}
    if threading.current_thread() is threading.main_thread():
        sigs = (signal.SIGINT, signal.SIGTERM) if exiting else (signal.SIGTERM, )
        previous = {sig: signal.signal(sig, _interrupt_once if exiting else _interrupt)
                    for sig in sigs}
    stopping = False
    try:
        summary = pose_main(argv, exiting=exiting)
        stopping = exiting and summary.get('interrupted')
    except KeyboardInterrupt:
        stopping = exiting
        return 130, 'interrupted before the run started; nothing was written'
    except EXPECTED_ERRORS as e:
        if argv is not None and '--debug' in argv:
            raise
        return 1, f'error: {e}'
    finally:
        if not stopping:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    line = (f"{summary['frames']} frames, {summary['people']} people "
            f"({summary['num_keypoints']} {summary['keypoints']} keypoints each), "
            f"{summary['errors']} unreadable, {summary['fps']} frames/s -> "
            f"{summary['results']}")
    if summary.get('dropped'):
        line += (f"; {summary['dropped']} camera frames dropped to keep up "
                 '(--keep-all-frames keeps them)')
    if summary.get('interrupted'):
        return 130, f'interrupted: {line}'
    if summary.get('ended_early'):  # the frames before were written; not all of the input
        return 1, f"error: {summary['video_note']}; the frames before it: {line}"
    if summary.get('video_note'):
        line += f"; {summary['video_note']}"
    return 0, line


def model_rows(word: str = '') -> List[str]:
    """``rtmpose models``.

    One line per model name: task, keypoint set, config, and whether a published ONNX SDK
    zip opens it without the training stack.
    """
    from . import zoo
    rows = []
    for name in sorted(zoo.NAMES):
        config = zoo.NAMES[name][0] or '(zip only)'
        if word and word not in name and word not in config:
            continue
        task = 'detection' if zoo.is_detector(name) else 'pose'
        kset = zoo.keypoint_set_name(name) if task == 'pose' else 'person' if \
            'hand' not in name else 'hand'
        route = 'zip' if zoo.sdk_zip_url(name) else 'export' if zoo.official_url(name) \
            else 'no checkpoint'
        rows.append(f'{name:24s} {task:9s} {kset or "?":20s} {route:13s} {config}')
    return rows


def _models(argv: Sequence[str]) -> int:
    import argparse
    p = argparse.ArgumentParser(prog='rtmpose models', description='The model names '
                                '(--pose / --det / the API). route: zip = a published ONNX SDK '
                                'zip (no training stack), export = the official checkpoint '
                                'exported (training stack)')
    p.add_argument('word', nargs='?', default='', help='only names or configs containing it')
    args = p.parse_args(argv)
    rows = model_rows(args.word)
    _output(f'{"name":24s} {"task":9s} {"keypoints":20s} {"route":13s} config')
    _output('\n'.join(rows))
    return 0 if rows else 1


def _download(argv: Sequence[str]) -> int:
    import argparse

    from . import hub, zoo
    p = argparse.ArgumentParser(prog='rtmpose download',
                                description='Fetch the published ONNX SDK zip of each name '
                                'into the cache ($RTMPOSE_PLUGIN_HOME), for offline use')
    p.add_argument('names', nargs='+')
    args = p.parse_args(argv)
    for name in args.names:
        if name not in zoo.NAMES:
            p.error(zoo.unknown_name_message(name))
        if zoo.sdk_zip_url(name) is None:
            p.error(f'{name!r} has no published ONNX SDK zip (its checkpoint is exported '
                    'with the training stack on first use)')
    for name in args.names:
        try:
            path = hub.unpack_sdk_zip(hub.download(zoo.sdk_zip_url(name)))
        except (hub.DownloadError, ValueError) as e:
            log.error(f'error: {e}')
            return 1
        _output(f'{name}: {path}')
    return 0


def _measure(argv: Sequence[str]) -> int:
    import argparse

    from .inference.measure import SECONDS, decision_path, measure_choice
    from .inference.opener import locate_model
    p = argparse.ArgumentParser(prog='rtmpose measure', description='Measure each CPU backend '
                                'and precision on a pose model and keep the fastest that passes '
                                'the precision check: what --backend auto --precision auto runs')
    p.add_argument('pose', help='SDK folder or zip, .onnx, or model name')
    p.add_argument('--calibration', metavar='DATA', help='images, a video or the sample '
                   'data: makes INT8 a candidate and checks the reduced precisions')
    p.add_argument('--threads', type=int, default=0)
    p.add_argument('--seconds', type=float, default=SECONDS, help='per candidate')
    args = p.parse_args(argv)
    try:
        located = locate_model(args.pose, None, 'pose')
        choice = measure_choice(located.file, args.threads, args.calibration, args.seconds,
                                folder=located.folder, keypoints=located.keypoints, log=log)
    except EXPECTED_ERRORS as e:
        log.error(f'error: {e}')
        return 1
    _output(f'chosen: {choice}')
    _output(f'cached: {decision_path(located.file, args.threads)}')
    return 0


def _deploy(argv: Sequence[str]) -> int:
    from .inference.opener import training_stack_missing
    missing = training_stack_missing()
    if missing:
        log.error(f'error: rtmpose deploy exports with the training stack '
                  f'({", ".join(missing)} not installed): install it (tools/setup_env.sh)')
        return 1
    from .deploy.cli import main as deploy_main
    for name, path in deploy_main(argv).items():
        _output(f'{name}: {path}')
    return 0


def extract_parser():
    import argparse

    from .checks import arg_type, integer
    from .corpus import ENGINES
    from .inference.cli import model_options
    p = argparse.ArgumentParser(
        prog='rtmpose extract', description='Pose over a whole corpus: one <name>.jsonl per '
        'input (results.jsonl\'s format) and a line per input in manifest.jsonl; a rerun '
        'skips what is done')
    p.add_argument('inputs', nargs='+', metavar='INPUT',
                   help='videos and images: files, folders (walked), globs, or a .txt list')
    p.add_argument('--out', required=True, help='the job\'s folder')
    model_options(p, threads_help='inference threads per worker (0: the cores shared out '
                  'among the workers)')
    p.add_argument('--engine', default='local', choices=ENGINES,
                   help='local (default): a process pool on this machine; ray: Ray actors '
                   '(pip install rtmpose_plugin[distributed])')
    p.add_argument('--workers', type=arg_type(integer, int, low=0, high=4096), default=0,
                   help='how many workers (0: one per --threads cores of the machine, or of '
                   'the Ray cluster)')
    p.add_argument('--ray-address', help='an existing Ray cluster (auto, or ray://host:port); '
                   'by default a local one is started')
    p.add_argument('--no-progress', action='store_true')
    p.add_argument('--debug', action='store_true', help='a traceback on errors')
    return p


def run_extract(argv: Sequence[str]) -> Tuple[int, str]:
    """``rtmpose extract``: (exit code, the line to print).

    0 every input done (now or before), 1 some failed (each an ``error`` line in the
    manifest) or the job could not go on (one line: the model, a full disk, Ray missing),
    2 usage, 130 interrupted (the inputs finished so far are kept; a rerun does the rest).
    """
    import signal
    import threading

    from .corpus import JobError, extract
    from .inference.opener import locate_model, runs_files
    p = extract_parser()
    args = p.parse_args(argv)
    if args.ray_address and args.engine != 'ray':
        p.error('--ray-address is for --engine ray')
    if not args.det:
        p.error('give a detector (--det)')
    try:
        check_flags(args.backend, args.precision)
    except ValueError as e:
        p.error(str(e))
    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, _interrupt)}
    try:
        pose = locate_model(args.pose, args.pose_checkpoint, 'pose') \
            if runs_files(args.backend) else args.pose  # a name downloaded once, here
        try:
            choice = choose_backend(args.backend, args.precision, args.calibration, pose,
                                    args.device, args.threads, args.measure)
        except ValueError as e:
            p.error(str(e))
        summary = extract(args.inputs, args.out, pose, args.det, engine=args.engine,
                          workers=args.workers, ray_address=args.ray_address,
                          progress=not args.no_progress,
                          **dict(model_kwargs(args), backend=choice.backend,
                                 precision=choice.precision))
    except KeyboardInterrupt:
        return 130, 'interrupted before the job started; nothing was run'
    except (JobError, *EXPECTED_ERRORS) as e:
        if args.debug:
            raise
        return 1, f'error: {e}'
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    line = (f"{summary['done']} inputs done, {summary['skipped']} done before, "
            f"{summary['failed']} failed, {summary['frames']} frames, {summary['people']} "
            f"people, {summary['seconds']} s on {summary['workers']} {summary['engine']} "
            f"workers x {summary['threads']} thread{'s' if summary['threads'] != 1 else ''} -> "
            f"{summary['manifest']}")
    if summary['interrupted']:
        return 130, f'interrupted: {line}; run it again to do the rest'
    if summary['failed']:
        return 1, f"error: {summary['failed']} inputs failed (their error lines are in the " \
            f'manifest): {line}'
    return 0, line


COMMANDS = {'pose': 'pose estimation over images, folders, videos or a camera',
            'extract': 'pose over a whole corpus (many inputs, local pool or Ray)',
            'models': 'list the model names',
            'download': 'fetch published models into the cache',
            'deploy': 'export a config and checkpoint to a backend (training stack)',
            'measure': 'measure the CPU backends and precisions on a model: what auto picks'}


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The ``rtmpose`` command; returns its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    usage = 'usage: rtmpose {' + ','.join(COMMANDS) + '} ...\n\n' + '\n'.join(
        f'  {c:9s} {h}' for c, h in COMMANDS.items())
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    if not argv or argv[0] in ('-h', '--help'):
        _output(usage)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        import difflib
        close = difflib.get_close_matches(command, list(COMMANDS), n=1)
        log.error(f'rtmpose: unknown command {command!r}' +
                  (f' (did you mean {close[0]!r}?)' if close else '') + '\n' + usage)
        return 2
    try:
        if command in ('pose', 'extract'):
            code, line = run_pose(rest, exiting=True) if command == 'pose' else \
                run_extract(rest)
            if code:
                log.error(line)
            else:
                _output(line)
            return code
        return {'models': _models, 'download': _download, 'deploy': _deploy,
                'measure': _measure}[command](rest)
    except KeyboardInterrupt:
        return 130


if __name__ == '__main__':
    sys.exit(main())
