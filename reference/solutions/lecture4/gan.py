"""Reference solutions: GAN and CycleGAN losses."""

from backends import array_namespace


def _softplus(x):
    """log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): never exponentiates a positive number."""
    xp = array_namespace(x)
    return xp.maximum(x, 0.0) + xp.log1p(xp.exp(-xp.abs(x)))


def discriminator_loss(real_logits, fake_logits):
    xp = array_namespace(real_logits, fake_logits)
    return xp.mean(_softplus(-real_logits)) + xp.mean(_softplus(fake_logits))


def generator_loss(fake_logits):
    xp = array_namespace(fake_logits)
    return xp.mean(_softplus(-fake_logits))


def cycle_consistency_loss(x, x_cycled):
    xp = array_namespace(x, x_cycled)
    return xp.mean(xp.abs(x - x_cycled))
