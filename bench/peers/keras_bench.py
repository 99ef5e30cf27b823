"""The five `latent bench` workloads in Keras 3 on TensorFlow: same shapes, batch sizes,
optimizer (Adam, Keras defaults: lr 1e-3, eps 1e-7), Glorot-uniform init (Keras's
default), one warm-up epoch, then timed epochs; scoring in batches of 4096 through a
compiled forward pass.

usage: python keras_bench.py WORKLOAD [--threads N] [--epochs N]
"""
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from common import BATCH, SAMPLES, SCORING_BATCH, emit, parse_args, peak_rss_mb, time_scoring  # noqa: E402


def main():
    args = parse_args()

    import numpy as np
    import tensorflow as tf
    import keras
    from keras import layers

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    keras.utils.set_random_seed(0)
    w, n, batch = args.workload, SAMPLES[args.workload], BATCH[args.workload]
    rng = np.random.default_rng(0)
    image = (28, 28, 1)

    class VAE(keras.Model):
        def __init__(self):
            super().__init__()
            self.enc = keras.Sequential([layers.Flatten(), layers.Dense(64, activation="relu")])
            self.mu, self.logsd = layers.Dense(8), layers.Dense(8)
            self.dec = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(784, activation="sigmoid"),
                                         layers.Reshape(image)])

        def call(self, x):
            return self.dec(self.mu(self.enc(x)))

        def train_step(self, data):
            x, _ = data
            with tf.GradientTape() as tape:
                h = self.enc(x)
                mu, s = self.mu(h), self.logsd(h)
                z = mu + tf.exp(s) * tf.random.normal(tf.shape(mu))
                kl = tf.reduce_mean(0.5 * (mu * mu + tf.exp(2 * s) - 1) - s)
                loss = tf.reduce_mean(tf.square(self.dec(z) - x)) + 5e-4 * kl
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            return {"loss": loss}

    if w == "fashion-ae":
        model = keras.Sequential([keras.Input(image), layers.Flatten(), layers.Dense(64, activation="relu"),
                                  layers.Dense(784, activation="sigmoid"), layers.Reshape(image)])
        loss, shape = "mse", image
    elif w == "fashion-denoise":
        model = keras.Sequential([
            keras.Input(image),
            layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu"),
            layers.Conv2D(1, 3, padding="same", activation="sigmoid")])
        loss, shape = "mse", image
    elif w == "ecg-ae":
        model = keras.Sequential([keras.Input((140,))] + [layers.Dense(u, activation="relu") for u in (32, 16, 8, 16, 32)]
                                 + [layers.Dense(140, activation="sigmoid")])
        loss, shape = "mae", (140,)
    elif w == "mnist-vae":
        model = VAE()
        model.build((None,) + image)
        loss, shape = None, image
    elif w == "lenet":
        model = keras.Sequential([
            keras.Input(image), layers.Conv2D(10, 5, activation="relu"), layers.MaxPooling2D(2),
            layers.Conv2D(20, 5, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
            layers.Dense(150, activation="relu"), layers.Dense(1, activation="sigmoid")])
        loss, shape = "binary_crossentropy", image
    else:
        raise SystemExit(f"unknown workload {w}")

    x = rng.random((n,) + shape, dtype=np.float32)
    y = rng.random((n, 1), dtype=np.float32) if w == "lenet" else x
    model.compile(optimizer=keras.optimizers.Adam(), loss=loss)

    class Timer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.start)

    timer = Timer()
    model.fit(x, y, batch_size=batch, epochs=1 + args.epochs, shuffle=True, verbose=0, callbacks=[timer])
    train_seconds = sum(timer.seconds[1:])
    train_peak = peak_rss_mb()

    @tf.function(jit_compile=False)
    def score(xb):
        out = model(xb, training=False)
        if w == "lenet":
            return out[:, 0]
        d = tf.reshape(out - xb, (tf.shape(xb)[0], -1))
        return tf.reduce_mean(tf.abs(d) if w == "ecg-ae" else tf.square(d), axis=1)

    batches = [tf.constant(x[s:s + SCORING_BATCH]) for s in range(0, n, SCORING_BATCH)]

    def score_pass():
        for xb in batches:
            float(score(xb)[0])

    passes, seconds = time_scoring(score_pass)
    emit("keras", w, args.threads, args.epochs, train_seconds, train_peak, passes, seconds)


if __name__ == "__main__":
    main()
