// Written by `identity-crisis site --rules` from the Rust constants (identity_figures::page_rules):
// change them there, not here. A test fails when this file differs.

/** The most layers a ConvNet may have. */
export const MAX_DEPTH = 32;

/** The most channels a ConvNet layer may have. */
export const MAX_CHANNELS = 1024;

/** The largest (odd) kernel side. */
export const MAX_KERNEL = 63;

/** The most hidden layers an FCN may have. */
export const MAX_HIDDEN_LAYERS = 16;

/** The widest an FCN's hidden layer may be. */
export const MAX_WIDTH = 16384;

/** The largest learning rate (the smallest is above 0). */
export const MAX_LEARNING_RATE = 10.0;

/** The largest step budget. */
export const MAX_STEPS = 1000000;

/** SGD's momentum, wherever SGD is chosen. */
export const SGD_MOMENTUM = 0.9;

/** The smallest image side. */
export const MIN_SIDE = 7;

/** The largest image side. */
export const MAX_SIDE = 112;

/** The side of an MNIST image: the lab's training images, drawings and answers. */
export const MNIST_SIDE = 28;

/** The pixels of an MNIST image, one after another in a list of several. */
export const MNIST_PIXELS = 784;

/** A correlation at least this high counts as a match (identity or constant). */
export const MATCH = 0.8;

/** The rho columns of a heatmap row, as the figures measure them. */
export const RHOS = [0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0];

/** Random inputs averaged per rho, as the figures do. */
export const PROBES_PER_RHO = 10;

/** MNIST test digits in the test row, as in the figures. */
export const TEST_ROW_DIGITS = 4;

/** Fashion-MNIST images in the test row, as in the figures. */
export const TEST_ROW_FASHION = 3;

/** The error rate of a guess among the 10 digits (Fig. 9). */
export const CHANCE_ERROR = 0.9;
