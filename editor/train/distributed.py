"""The distributed training loop: model.fit's work, written out for several workers.

Keras 3's `model.fit` fails under `tf.distribute.MultiWorkerMirroredStrategy`
(keras-team/keras#20585: "Attempt to convert a value (PerReplica:{...})"), so under
"multiworker" a run trains with `fit_distributed` below instead: a custom loop of
`strategy.run` steps over a dataset given to `strategy.experimental_distribute_dataset`.
It works under any strategy (tests compare it with `model.fit` on one device).

Each step is Keras's own train step: `model(x, training=True)` under a GradientTape,
`model.compute_loss(...)` (the compiled losses with their loss_weights, plus
`model.losses`: the loss nodes' add_loss values; Keras scales every one of them by
1 / replicas in a replica context, so the replicas' losses add up to the global
batch's mean), `optimizer.apply_gradients` (Keras's TensorFlow optimizer sums the
replicas' gradients), `model.compute_metrics(...)`. The step's loss is summed over
the replicas with `strategy.reduce`; the metrics are read once an epoch.

Data: every worker holds the same arrays (the synthetic data is drawn from the seed)
and the same shuffled order per epoch (from the seed and the epoch); each global batch
of `batch_size` samples is split across the workers (AutoShardPolicy.DATA), so N
workers together see exactly the batches one worker sees, and one worker and N
workers end with the same weights up to float rounding (when N divides the batch size:
otherwise the replicas' means of unequal parts are averaged, as fit does on several
GPUs). What each replica keeps for itself, BatchNormalization's moving statistics, is
averaged over the replicas at each epoch's end, so every worker holds the same model;
its batch statistics during training are those of each replica's part of the batch.

Only the chief (worker 0, or the task "chief") prints; saving is the caller's, from
the chief only (`is_chief`). Every worker must run the same steps: a stop (a NaN loss)
is decided on the reduced loss, which all workers share.

Imports time, numpy, tensorflow and keras only: editor.code.codegen_train copies everything
below the imports verbatim into exported code, and editor.train.training runs this module
for `python -m editor train --strategy multiworker`. One loop, two homes.
"""

import time

import numpy as np
import tensorflow as tf

import keras


def make_strategy(name):
    """Where to train: "default", one device (a GPU when TensorFlow sees one); "mirrored",
    every GPU of this machine; "multiworker", several machines (set TF_CONFIG on each).
    Call it first: MultiWorkerMirroredStrategy must exist before TensorFlow runs an op."""
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()


def is_chief(strategy):
    """True on the worker that prints and saves: worker 0 (or the task "chief"); one
    process that is not part of a cluster is its own chief."""
    return bool(strategy.extended.should_checkpoint)


def _flat(value):
    """(list of arrays or None, how to put them back: "one", "list" or None)."""
    if value is None:
        return [], None
    if isinstance(value, (list, tuple)):
        return list(value), "list"
    return [value], "one"


def _packed(arrays, form):
    if form is None:
        return None
    return arrays[0] if form == "one" else list(arrays)


def steps_per_epoch(samples, batch_size, replicas=1):
    """Global batches in one pass over `samples`: a last batch too small to give every
    replica a sample is left out (an empty batch would make a loss node's mean NaN)."""
    remainder = samples % batch_size
    return samples // batch_size + (remainder >= replicas)


def distributed_batches(strategy, arrays, order, batch_size):
    """The arrays' samples in `order`, in global batches of `batch_size`, each split across
    the replicas of every worker (AutoShardPolicy.DATA): worker k gets its part of every
    batch, so the workers together see the batches one worker would."""
    dataset = tf.data.Dataset.from_tensor_slices(tuple(a[order] for a in arrays)).batch(batch_size)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return strategy.experimental_distribute_dataset(dataset.with_options(options))


def fit_distributed(model, x, y=None, *, strategy, batch_size=32, epochs=1, validation_split=0.0, seed=0,
                    shuffle=True, callbacks=(), verbose=True):
    """Train the compiled `model` (built under `strategy.scope()`) on arrays `x`, `y` as
    model.fit would; returns a keras.callbacks.History whose `history` holds one value per
    epoch of the loss, each metric and the val_* values. `callbacks`: Keras callbacks
    (epoch and train-batch events; `model.stop_training` stops after the batch).
    `verbose`: one line per epoch, printed by the chief only."""
    xs, x_form = _flat(x)
    ys, y_form = _flat(y)
    given = [i for i, a in enumerate(ys) if a is not None]  # targets of the outputs a loss supervises
    arrays = [np.asarray(a) for a in xs] + [np.asarray(ys[i]) for i in given]
    samples = len(arrays[0])
    split = int(np.floor(samples * (1.0 - validation_split))) if validation_split else samples
    split = split or samples  # as Keras: a split that leaves nothing to train on is ignored
    train_arrays = [a[:split] for a in arrays]
    replicas = strategy.num_replicas_in_sync
    val_arrays = [a[split:] for a in arrays] if samples - split >= replicas else None
    steps = steps_per_epoch(split, batch_size, replicas)
    if not steps:
        raise ValueError(f"{split} training samples cannot be shared by {replicas} replicas: give at least {replicas}")

    def unpack(batch):
        batch = list(batch)
        targets = [None] * len(ys)
        for i, value in zip(given, batch[len(xs):]):
            targets[i] = value
        return _packed(batch[:len(xs)], x_form), _packed(targets, y_form)

    def train_step(batch):
        inputs, targets = unpack(batch)
        with tf.GradientTape() as tape:
            predictions = model(inputs, training=True)
            loss = model.compute_loss(x=inputs, y=targets, y_pred=predictions, training=True)
            scaled = model.optimizer.scale_loss(loss)
        variables = model.trainable_variables
        model.optimizer.apply_gradients(zip(tape.gradient(scaled, variables), variables))
        model.compute_metrics(inputs, targets, predictions, sample_weight=None)
        return loss

    def test_step(batch):
        inputs, targets = unpack(batch)
        predictions = model(inputs, training=False)
        loss = model.compute_loss(x=inputs, y=targets, y_pred=predictions, training=False)
        model.compute_metrics(inputs, targets, predictions, sample_weight=None)
        return loss

    traced = {}

    def distributed(step_function, spec):
        """`step_function` on every replica, its loss summed: one tf.function per step
        function, traced once with the batch dimension unknown (as fit traces), so that a
        partial last batch runs the same trace: Keras weighs its per-output loss figures by
        the static batch size, and a second trace would weigh that batch differently."""
        if step_function not in traced:
            def step(batch):
                return strategy.reduce(tf.distribute.ReduceOp.SUM, strategy.run(step_function, args=(batch,)),
                                       axis=None)
            traced[step_function] = tf.function(step, input_signature=[spec])
        return traced[step_function]

    # Variables each replica updates from its own part of the batch: BatchNormalization's
    # moving statistics (Keras gives them aggregation "none"). Averaged over the replicas
    # at each epoch's end, so that every worker holds (and the chief saves) the same model.
    local = [v for v in model.non_trainable_variables
             if v.aggregation == "none" and "float" in str(v.dtype)] if replicas > 1 else []

    @tf.function
    def average_local_state():
        values = strategy.run(lambda: [tf.identity(v.value) for v in local])
        for variable, value in zip(local, values):
            variable.assign(strategy.reduce(tf.distribute.ReduceOp.MEAN, value, axis=None))

    def metrics(prefix=""):
        values = {k: float(v) for k, v in model.get_metrics_result().items() if k != "loss"}
        return {prefix + k: v for k, v in values.items()}

    def run_epoch(step_function, data, order, events=None):
        """The mean loss of one pass over `data` in `order`, a step per global batch (as
        steps_per_epoch counts them); with `events`, batch events, and a stop after the
        batch that set `model.stop_training`."""
        order = order[:min(len(order), steps_per_epoch(len(order), batch_size, replicas) * batch_size)]
        total, seen = 0.0, 0
        batches = distributed_batches(strategy, data, order, batch_size)
        function = distributed(step_function, batches.element_spec)
        for step, batch in enumerate(batches):
            size = min(batch_size, len(order) - step * batch_size)
            if events is not None:
                events.on_train_batch_begin(step)
            total += float(function(batch)) * size
            seen += size
            if events is not None:
                events.on_train_batch_end(step, {"loss": total / seen})
                if model.stop_training:
                    break
        return total / max(seen, 1)

    chief = is_chief(strategy)
    history = keras.callbacks.History()
    events = keras.callbacks.CallbackList(list(callbacks) + [history], model=model, epochs=epochs, steps=steps,
                                          verbose=0)
    if not model.optimizer.built:  # its variables under the strategy, before the first step traces
        with strategy.scope():
            model.optimizer.build(model.trainable_variables)
    model.stop_training = False
    events.on_train_begin()
    for epoch in range(epochs):
        started = time.perf_counter()
        model.reset_metrics()
        events.on_epoch_begin(epoch)
        order = np.random.default_rng([seed, epoch]).permutation(split) if shuffle else np.arange(split)
        logs = {"loss": run_epoch(train_step, train_arrays, order, events)}
        if local:
            average_local_state()
        logs.update(metrics())
        if val_arrays is not None and not model.stop_training:
            model.reset_metrics()
            logs["val_loss"] = run_epoch(test_step, val_arrays, np.arange(samples - split))
            logs.update(metrics("val_"))
        events.on_epoch_end(epoch, logs)
        if verbose and chief:
            values = "  ".join(f"{k} {v:.4g}" for k, v in logs.items())
            print(f"epoch {epoch + 1}/{epochs}  {values}  ({time.perf_counter() - started:.1f}s)", flush=True)
        if model.stop_training:
            break
    events.on_train_end()
    return history
